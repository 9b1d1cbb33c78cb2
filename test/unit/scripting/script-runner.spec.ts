import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../../src/core/errors/domain-error';
import { fromFile, inline, runner } from './script-fixtures';

describe('ScriptRunner: values and variables', () => {
  it.each([
    ['the last expression', 'source.displayName || (source.givenName + " " + source.sn);', 'Barbara Jensen'],
    ['a conditional on the variable', '!!source.description', false],
    [
      'let/const scoped to the run',
      'const first = source.givenName; let last = source.sn; first + "." + last',
      'Barbara.Jensen',
    ],
    [
      'a function declared and called',
      'function initials(s) { return s.givenName[0] + s.sn[0]; } initials(source)',
      'BJ',
    ],
    [
      'an object literal result',
      '({ dn: "uid=" + source.uid + ",ou=People" })',
      { dn: 'uid=bjensen,ou=People' },
    ],
    ['an array result', '[source.sn, source.givenName]', ['Jensen', 'Barbara']],
    ['a Date result as ISO text', 'new Date(Date.UTC(2020, 0, 2))', '2020-01-02T00:00:00.000Z'],
    ['undefined as the value of a declaration-only script', 'var x = 1;', undefined],
  ])('returns %s', async (_case, source, expected) => {
    const { scripts } = runner();
    const source_ = { givenName: 'Barbara', sn: 'Jensen', uid: 'bjensen' };
    const outcome = await scripts.run(inline(source), { source: source_ });
    expect(outcome.value).toEqual(expected);
  });

  it('passes the script object globals and extra keys as variables, run variables winning', async () => {
    const { scripts } = runner();
    const script = inline('[workflowName, greeting, name]', {
      globals: { greeting: 'hello', name: 'from-globals' },
      extra: { workflowName: 'managedUserApproval' },
    });
    expect((await scripts.run(script, { name: 'from-run' })).value).toEqual([
      'managedUserApproval',
      'hello',
      'from-run',
    ]);
  });

  it('sees every variable it reaches through the global object, not only those it names', async () => {
    const { scripts } = runner();
    const variables = { source: { sn: 'Jensen' }, target: { cn: 'Babs' } };
    expect((await scripts.run(inline("globalThis['sou' + 'rce'].sn"), variables)).value).toBe('Jensen');
    expect(
      (await scripts.run(inline("(function () { return this['tar' + 'get'].cn; })()"), variables)).value,
    ).toBe('Babs');
    expect((await scripts.run(inline('typeof target'), variables)).value).toBe('object');
  });

  it('hands back mutated variables on request (onCreate sets target.dn)', async () => {
    const { scripts } = runner();
    const script = inline("target.dn = 'uid=' + source.userName + ',ou=People,dc=example,dc=com';");
    const outcome = await scripts.run(
      script,
      { source: { userName: 'fdoe' }, target: { sn: 'Doe' } },
      { capture: ['target'] },
    );
    expect(outcome.variables['target']).toEqual({ sn: 'Doe', dn: 'uid=fdoe,ou=People,dc=example,dc=com' });
  });

  it('runs member assignments (the quick entry, without a time limit) without leaking into the next run', async () => {
    const { scripts } = runner();
    // Built-in prototypes are frozen in the sandbox: the assignment is dropped, not kept for later runs.
    await scripts.run(inline('target.constructor.prototype.polluted = 1; target.x = 2'), { target: {} });
    const probe = inline('[typeof target.polluted, typeof polluted]');
    expect((await scripts.run(probe, { target: {} })).value).toEqual(['undefined', 'undefined']);
    await expect(scripts.run(inline('target.dn = source.uid'), { target: null, source: {} })).rejects.toThrow(
      /Cannot set properties of null/,
    );
    const again = await scripts.run(
      inline('target.dn = source.uid'),
      { target: {}, source: { uid: 'x' } },
      { capture: ['target'] },
    );
    expect(again.variables['target']).toEqual({ dn: 'x' });
  });

  it('passes undefined variables as null (oldSource outside implicit sync)', async () => {
    const { scripts } = runner();
    expect((await scripts.run(inline('oldSource === null'), { oldSource: undefined })).value).toBe(true);
  });

  it('gives every run a fresh global scope: globals of one run are gone in the next', async () => {
    const { scripts } = runner();
    await scripts.run(inline('var leftover = 1; implicitGlobal = 2; const scoped = 3; 0'), {});
    const probe = inline('[typeof leftover, typeof implicitGlobal, typeof scoped, typeof source]');
    expect((await scripts.run(probe, {})).value).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
    ]);
  });

  it('gives plain expressions a fresh scope too: no leftover globals, no variables of an earlier run', async () => {
    const { scripts } = runner();
    // Plain expressions (no calls, no assignments, no keywords) take the sandbox's quicker entry.
    const plain = (source: string, variables: Record<string, unknown>) =>
      scripts.run(inline(source), variables).then(
        (outcome) => outcome.value,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    await scripts.run(inline('leftover = 1; 0'), {});
    expect(await plain('leftover', {})).toMatch(/leftover is not defined/);
    expect(await plain('source.sn', { source: { sn: 'B' } })).toBe('B');
    expect(await plain('source', { object: {} })).toMatch(/source is not defined/);
    await scripts.run(inline('leftover = 2; 0'), {});
    expect(await plain('leftover', {})).toMatch(/leftover is not defined/);
  });

  it('runs a plain expression with the same answers as the same text run as a script', async () => {
    const { scripts } = runner();
    const variables = {
      source: { sn: 'Jensen', n: 2, list: ['a'] },
      object: null,
      NaN: 5,
      linkQualifier: 'default',
    };
    const answer = (source: string) =>
      scripts.run(inline(source), variables).then(
        (outcome) => outcome.value,
        (error: unknown) =>
          error instanceof Error ? error.message.replace(/, line \d+/, '') : String(error),
      );
    // Each pair: a plain expression (run as a function) and a script the sandbox runs the general way.
    for (const [plain, script] of [
      ['source.sn + "!"', 'var r = source.sn + "!"; r'],
      ['source.n * 3 - 1', 'var r = source.n * 3 - 1; r'],
      ['object === null', 'var r = object === null; r'],
      ['source.list', 'var r = source.list; r'],
      ['NaN', 'var r = NaN; r'],
      ['source.missing ?? linkQualifier;', 'var r = source.missing ?? linkQualifier; r'],
    ] as const) {
      expect(await answer(plain)).toEqual(await answer(script));
    }
    // Statements split by a line break alone are not one expression: they keep the general form.
    expect(await answer('source.sn\nsource.n')).toBe(2);
    expect(await answer('source.n\n++source.n')).toBe(3);
    expect(await answer('unknownName')).toMatch(/unknownName is not defined/);
    expect(await answer('object.sn')).toMatch(/Cannot read properties of null/);
  });

  it('answers plain expressions outside the sandbox exactly as the sandbox does, over awkward data', async () => {
    const { scripts } = runner();
    const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const variables = {
      source: {
        sn: 'Jensen',
        n: 2,
        zero: -0,
        list: ['a', undefined],
        nested: { deep: { value: 'x' } },
        when: new Date(Date.UTC(2020, 0, 2)),
        notANumber: NaN,
        gone: undefined,
        withToJson: { toJSON: () => 'replaced' },
        bare: nullPrototype,
      },
      object: null,
      missing: undefined,
      linkQualifier: 'default',
      Math: 'a variable named like a global',
    };
    const answer = (source: string) =>
      scripts.run(inline(source), variables).then(
        (outcome) => JSON.stringify({ value: outcome.value }),
        (error: unknown) =>
          error instanceof Error ? error.message.replace(/, line \d+/, '') : String(error),
      );
    for (const expression of [
      '!!source.sn',
      'source.sn != null',
      "source.missingName || (source.sn + ' ' + source.n)",
      'source.n * 3 % 4 - -1',
      "source.n > 1 ? 'big' : source.n === 1 ? 'one' : 'small'",
      'source.zero',
      "'' + source.zero",
      'source.list',
      'source.list.length',
      'source.sn.length',
      'source.nested',
      'source.nested.deep.value',
      'source.nested?.absent?.deep',
      '(source.nested.deep?.absent).value',
      '(object?.sn).length',
      'object?.sn',
      'object.sn',
      'source.when',
      "source.when + '!'",
      'source.notANumber',
      'source.gone',
      "'gone' + source.gone",
      'missing',
      'missing === null',
      'source.withToJson',
      'source.bare.a',
      '!!source.bare.toString',
      '!!source.constructor',
      'source.list.map',
      "source.sn == 'Jensen' && source.n",
      'source.nested == source.nested',
      'source + 1',
      'Math',
      'linkQualifier ?? 1',
      'unknownName',
      "'it''s'",
      "'a\\'b'",
      'true && null',
    ]) {
      const general = await answer(`var r = ${expression}; r`);
      expect([expression, await answer(expression)]).toEqual([expression, general]);
    }
  });

  it('keeps built-ins frozen so one run cannot change them for the next', async () => {
    const { scripts } = runner();
    await scripts.run(
      inline('Array.prototype.first = function () { return this[0]; }; JSON.parse = null; 0'),
      {},
    );
    expect((await scripts.run(inline('[typeof [].first, typeof JSON.parse]'), {})).value).toEqual([
      'undefined',
      'function',
    ]);
  });

  it('reads file scripts relative to the project directory and compiles each script once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-scripts-'));
    try {
      writeFileSync(join(dir, 'valid.js'), '// project script\nsource.accountStatus === "active";\n');
      const { scripts } = runner({ projectDir: dir });
      const byFile = fromFile('valid.js');
      const sameFileElsewhere = fromFile('valid.js', { where: 'sync.json /mappings/1/validSource' });
      const transform = inline('source.toUpperCase()');
      const results: unknown[] = [];
      for (let entry = 0; entry < 50; entry++) {
        results.push(
          (await scripts.run(byFile, { source: { accountStatus: entry % 2 ? 'active' : 'inactive' } })).value,
        );
        await scripts.run(sameFileElsewhere, { source: {} });
        await scripts.run(transform, { source: `entry${entry}` });
      }
      expect(results.filter((valid) => valid === true)).toHaveLength(25);
      expect(scripts.compilations).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing script file as a configuration problem naming the file and the property', async () => {
    const { scripts } = runner();
    await expect(scripts.run(fromFile('script/absent.js'), {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /script\/absent\.js cannot be read \(sync\.json \/mappings\/0\/validSource\)/,
      ),
    });
  });

  it('reports a syntax error when compiling, naming where the script is configured', async () => {
    const { scripts } = runner();
    expect(() => scripts.compile(inline('target.dn = ;'))).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('sync.json /mappings/0/onCreate'),
      }),
    );
  });

  it('wraps a thrown error with the script location and line', async () => {
    const { scripts } = runner();
    const error = await scripts.run(inline('var a = 1;\nnull.mail'), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe(
      "Script error in sync.json /mappings/0/onCreate, line 2: TypeError: Cannot read properties of null (reading 'mail')",
    );
    const custom = await scripts
      .run(inline('throw "no manager for " + source.uid'), { source: { uid: 'jdoe' } })
      .catch((e: unknown) => e);
    expect((custom as DomainError).message).toBe(
      'Script error in sync.json /mappings/0/onCreate: no manager for jdoe',
    );
  });
});
