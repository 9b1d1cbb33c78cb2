import { inline, runner } from './script-fixtures';

describe('ScriptRunner: openidm.* called synchronously, as OpenIDM scripts do', () => {
  it('answers openidm.read with the object, usable on the next line', async () => {
    const { scripts, openidm } = runner();
    openidm.objects.set('managed/user/42', { _id: '42', mail: 'jdoe@example.com' });
    const outcome = await scripts.run(inline("var user = openidm.read('managed/user/' + id); user.mail"), {
      id: '42',
    });
    expect(outcome.value).toBe('jdoe@example.com');
    expect(openidm.calls).toEqual(['read managed/user/42']);
  });

  it('answers openidm.read of a missing object with null', async () => {
    const { scripts } = runner();
    expect((await scripts.run(inline("openidm.read('managed/user/none') === null"), {})).value).toBe(true);
  });

  it('performs every call exactly once, writes included, in the order the script makes them', async () => {
    const { scripts, openidm } = runner();
    const source = [
      "var created = openidm.create('managed/role', null, { name: source.role });",
      "var found = openidm.query('managed/role', { _queryFilter: 'true' });",
      "openidm.action('external/email', 'send', { to: source.mail });",
      'created._id + ":" + found.resultCount',
    ].join('\n');
    const outcome = await scripts.run(inline(source), { source: { role: 'admins', mail: 'a@example.com' } });
    expect(outcome.value).toBe('id1:1');
    expect(openidm.calls).toEqual([
      'create managed/role/id1',
      'query managed/role {"_queryFilter":"true"}',
      'action external/email send',
    ]);
  });

  it('hands a failed call to the script as an error it can catch', async () => {
    const { scripts } = runner();
    const source =
      "try { openidm.action('system/ldap', 'fail'); 'went through' } catch (e) { 'caught: ' + e.message }";
    expect((await scripts.run(inline(source), {})).value).toBe('caught: action refused by the resource');
  });

  it('refuses a call without a resource name, naming the method', async () => {
    const { scripts } = runner();
    await expect(scripts.run(inline('openidm.read()'), {})).rejects.toThrow(
      'Script error in sync.json /mappings/0/onCreate, line 1: openidm.read: expected a resource name string',
    );
  });

  it('keeps the log lines of the final run only, formatted with {} placeholders', async () => {
    const { scripts, logger, openidm } = runner();
    openidm.objects.set('managed/user/1', { _id: '1', userName: 'jdoe' });
    const source =
      "logger.info('looking up {}', id); var u = openidm.read('managed/user/' + id); logger.warn('found {} {}', u.userName, 7); u.userName";
    await scripts.run(inline(source), { id: '1' });
    expect(logger.lines).toEqual([
      'info looking up 1 [sync.json /mappings/0/onCreate]',
      'warn found jdoe 7 [sync.json /mappings/0/onCreate]',
    ]);
  });

  it('decrypts synchronously (the sample password transform)', async () => {
    const { scripts, openidm } = runner();
    const outcome = await scripts.run(inline('openidm.decrypt(source)'), {
      source: { $crypto: { value: 'abc' } },
    });
    expect(outcome.value).toBe('decrypted:abc');
    expect(openidm.calls).toEqual([]);
  });

  it('fails a script whose calls change between runs instead of repeating a write', async () => {
    const { scripts, openidm } = runner();
    const source = "openidm.create('managed/audit' + globalThis.counter, null, {}); openidm.read('x');";
    const flaky = inline(
      `globalThis.counter = (Date.now() % 2 === 0 ? 'a' : 'b') + Math.random(); ${source}`,
    );
    await expect(scripts.run(flaky, {})).rejects.toThrow(/the same way on every run/);
    expect(openidm.calls.filter((call) => call.startsWith('create'))).toHaveLength(1);
  });

  it('limits the number of openidm calls of one run', async () => {
    const { scripts } = runner({ maxFacadeCalls: 5 });
    const source = "for (var i = 0; i < 10; i++) openidm.read('managed/user/' + i); 'done'";
    await expect(scripts.run(inline(source), {})).rejects.toThrow(/more than 5 openidm calls in one run/);
  });

  it('lets concurrent runs of one runner interleave without mixing their calls', async () => {
    const { scripts, openidm } = runner();
    openidm.objects.set('managed/user/a', { _id: 'a', sn: 'A' });
    openidm.objects.set('managed/user/b', { _id: 'b', sn: 'B' });
    const script = inline("openidm.read('managed/user/' + id).sn + openidm.read('managed/user/' + id).sn");
    const results = await Promise.all(['a', 'b', 'a'].map((id) => scripts.run(script, { id })));
    expect(results.map((r) => r.value)).toEqual(['AA', 'BB', 'AA']);
  });
});
