import { DomainError } from '../../../src/core/errors/domain-error';
import { inline, runner } from './script-fixtures';

describe('script sandbox: what scripts cannot reach', () => {
  it.each([
    ['require', 'typeof require'],
    ['process', 'typeof process'],
    ['module', 'typeof module'],
    ['exports', 'typeof exports'],
    ['console', 'typeof console'],
    ['setTimeout', 'typeof setTimeout'],
    ['Buffer', 'typeof Buffer'],
    ['SharedArrayBuffer', 'typeof SharedArrayBuffer'],
    ['WebAssembly', 'typeof WebAssembly'],
  ])('has no %s', async (_name, source) => {
    const { scripts } = runner();
    expect((await scripts.run(inline(source), {})).value).toBe('undefined');
  });

  it.each([
    ['the global object', "this.constructor.constructor('return process')()"],
    ['globalThis', "globalThis.constructor.constructor('return process')()"],
    ['a variable passed in', "source.constructor.constructor('return process')()"],
    ['an array passed in', "source.list.constructor.constructor('return process')()"],
    ['the openidm facade', "openidm.read.constructor('return process')()"],
    ['the logger', "logger.info.constructor('return process')()"],
    [
      'an error from a facade call',
      "try { openidm.read(42) } catch (e) { e.constructor.constructor('return process')() }",
    ],
    ['eval', "eval('process')"],
  ])('refuses the escape through %s', async (_case, source) => {
    const { scripts } = runner();
    const error = await scripts.run(inline(source), { source: { list: [1] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toMatch(
      /EvalError: Code generation from strings disallowed|is not defined/,
    );
  });

  it('refuses import() at compile time, since Node would reject it with a host error', async () => {
    const { scripts } = runner();
    const source = "import('node:fs').catch(e => e.constructor.constructor('return process')())";
    await expect(scripts.run(inline(source), {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('uses import() (line 1)'),
    });
    await expect(scripts.run(inline('import /* x */ ("node:fs")'), {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect((await scripts.run(inline('var important = "import users"; important'), {})).value).toBe(
      'import users',
    );
  });

  it('stops a while(true) script after the time limit with a clear message, and runs the next one', async () => {
    const { scripts } = runner({ timeoutMs: 100 });
    const started = Date.now();
    await expect(scripts.run(inline('while (true) {}'), {})).rejects.toThrow(
      new DomainError('CONFLICT', 'Script timed out after 100 ms (sync.json /mappings/0/onCreate)'),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await scripts.run(inline('source + 1'), { source: 1 })).value).toBe(2);
  });

  it('has no promises and refuses async functions, whose continuations would escape the time limit', async () => {
    const { scripts } = runner({ timeoutMs: 100 });
    expect((await scripts.run(inline('[typeof Promise, typeof FinalizationRegistry]'), {})).value).toEqual([
      'undefined',
      'undefined',
    ]);
    for (const source of [
      '(async () => { await 0; while (true) {} })()',
      'var f = async function () {}; 1',
    ]) {
      await expect(scripts.run(inline(source), {})).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('uses async functions (line 1)'),
      });
    }
    expect((await scripts.run(inline('({ async: true }).async'), {})).value).toBe(true);
  });

  it('accepts a per-run time limit', async () => {
    const { scripts } = runner({ timeoutMs: 5000 });
    await expect(scripts.run(inline('for (;;) {}'), {}, { timeoutMs: 50 })).rejects.toThrow(
      /timed out after 50 ms/,
    );
  });

  it('does not run getters of a returned object outside the time limit', async () => {
    const { scripts } = runner();
    const source = '({ plain: 1, get trap() { while (true) {} } })';
    expect((await scripts.run(inline(source), {})).value).toEqual({ plain: 1 });
  });

  it('refuses a Proxy result instead of running its traps', async () => {
    const { scripts } = runner();
    const source = 'new Proxy({}, { ownKeys() { while (true) {} } })';
    await expect(scripts.run(inline(source), {})).rejects.toThrow(/Proxy/);
  });

  it('replaces a context a script left unusable and carries on', async () => {
    const { scripts } = runner();
    await scripts.run(
      inline("Object.defineProperty(globalThis, 'stuck', { value: 1, configurable: false }); 0"),
      {},
    );
    // The next run in the sandbox finds the global it cannot remove (a plain expression such as `0` is answered
    // without entering the sandbox: it would not); the run after it has a new context.
    await scripts.run(inline('var next = 0; next'), {});
    expect((await scripts.run(inline('typeof stuck'), {})).value).toBe('undefined');
  });
});
