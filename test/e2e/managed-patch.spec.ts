import { startConcord, type RepoKind, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError, type Resource } from './crest-expect';

const USERS = '/openidm/managed/user';

type Operation = Record<string, unknown>;

describe.each<RepoKind>(['postgres', 'embedded'])('PATCH of managed objects (%s repository)', (repo) => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo });
  });
  afterAll(async () => {
    await t.destroy();
  });

  async function createUser(overrides: Record<string, unknown> = {}): Promise<Resource> {
    const res = await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser(overrides));
    expect(res.status).toBe(201);
    return res.body as Resource;
  }

  const start = {
    description: 'before',
    telephoneNumber: '555-0100',
    loginCount: 3,
    tags: ['a', 'b'],
    address: { city: 'Paris' },
  };

  const cases: Array<{ name: string; ops: Operation[]; expected: Record<string, unknown> }> = [
    {
      name: 'add sets a new field',
      ops: [{ operation: 'add', field: '/displayName', value: 'Shown' }],
      expected: { displayName: 'Shown' },
    },
    {
      name: 'add on an existing scalar replaces it',
      ops: [{ operation: 'add', field: '/description', value: 'after' }],
      expected: { description: 'after' },
    },
    {
      name: 'add to /field/- appends to an array',
      ops: [{ operation: 'add', field: '/tags/-', value: 'c' }],
      expected: { tags: ['a', 'b', 'c'] },
    },
    {
      name: 'add into a nested object',
      ops: [{ operation: 'add', field: '/address/zip', value: '75001' }],
      expected: { address: { city: 'Paris', zip: '75001' } },
    },
    {
      name: 'remove without value drops the field',
      ops: [{ operation: 'remove', field: '/telephoneNumber' }],
      expected: { telephoneNumber: undefined },
    },
    {
      name: 'remove with a value drops matching array elements',
      ops: [{ operation: 'remove', field: '/tags', value: 'a' }],
      expected: { tags: ['b'] },
    },
    {
      name: 'replace changes a value',
      ops: [{ operation: 'replace', field: '/description', value: 'replaced' }],
      expected: { description: 'replaced' },
    },
    {
      name: 'replace adds a missing field',
      ops: [{ operation: 'replace', field: 'displayName', value: 'No slash' }],
      expected: { displayName: 'No slash' },
    },
    {
      name: 'increment adds to a number',
      ops: [{ operation: 'increment', field: '/loginCount', value: 2 }],
      expected: { loginCount: 5 },
    },
    {
      name: 'increment by a negative number',
      ops: [{ operation: 'increment', field: '/loginCount', value: -3 }],
      expected: { loginCount: 0 },
    },
    {
      name: 'move takes the value from `from`',
      ops: [{ operation: 'move', from: '/description', field: '/displayName' }],
      expected: { description: undefined, displayName: 'before' },
    },
    {
      name: 'copy duplicates the value from `from`',
      ops: [{ operation: 'copy', from: '/address/city', field: '/description' }],
      expected: { description: 'Paris', address: { city: 'Paris' } },
    },
    {
      name: 'several operations apply in order',
      ops: [
        { operation: 'add', field: '/tags/-', value: 'c' },
        { operation: 'remove', field: '/tags', value: 'b' },
        { operation: 'increment', field: '/loginCount', value: 1 },
      ],
      expected: { tags: ['a', 'c'], loginCount: 4 },
    },
  ];

  it.each(cases)('PATCH: $name', async ({ ops, expected }) => {
    const created = await createUser(start);
    const res = await t.admin('patch', `${USERS}/${created._id}`).send(ops);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`"${res.body._rev}"`);
    expect(Number(res.body._rev)).toBeGreaterThan(Number(created._rev));

    const read = await t.admin('get', `${USERS}/${created._id}`);
    const want: Record<string, unknown> = { ...created, ...expected, _rev: res.body._rev };
    for (const [key, value] of Object.entries(expected)) if (value === undefined) delete want[key];
    expect(read.body).toEqual(want);
    expect(res.body).toEqual(want);
  });

  it('POST ?_action=patch applies the same operations', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('post', `${USERS}/${created._id}?_action=patch`)
      .send([{ operation: 'replace', field: '/description', value: 'by action' }]);
    expect(res.status).toBe(200);
    expect(res.body.description).toBe('by action');
    const read = await t.admin('get', `${USERS}/${created._id}`);
    expect(read.body.description).toBe('by action');
  });

  it('accepts application/json-patch+json', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('patch', `${USERS}/${created._id}`)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ operation: 'replace', field: '/description', value: 'typed' }]));
    expect(res.status).toBe(200);
    expect(res.body.description).toBe('typed');
  });

  it('with the current If-Match patches', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('patch', `${USERS}/${created._id}`)
      .set('If-Match', `"${created._rev}"`)
      .send([{ operation: 'replace', field: '/description', value: 'matched' }]);
    expect(res.status).toBe(200);
  });

  it('with a stale If-Match answers 412 and changes nothing', async () => {
    const created = await createUser(start);
    const moved = await t
      .admin('patch', `${USERS}/${created._id}`)
      .send([{ operation: 'replace', field: '/description', value: 'newer' }]);
    expect(moved.status).toBe(200);

    const stale = await t
      .admin('patch', `${USERS}/${created._id}`)
      .set('If-Match', `"${created._rev}"`)
      .send([{ operation: 'replace', field: '/description', value: 'stale' }]);
    expectCrestError(stale, 412);
    const staleAction = await t
      .admin('post', `${USERS}/${created._id}?_action=patch`)
      .set('If-Match', `"${created._rev}"`)
      .send([{ operation: 'replace', field: '/description', value: 'stale' }]);
    expectCrestError(staleAction, 412);

    const read = await t.admin('get', `${USERS}/${created._id}`);
    expect(read.body).toEqual(moved.body);
  });

  it('a patch that changes nothing keeps the revision', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('patch', `${USERS}/${created._id}`)
      .send([{ operation: 'replace', field: '/description', value: 'before' }]);
    expect(res.status).toBe(200);
    expect(res.body._rev).toBe(created._rev);
  });

  it('concurrent patches without If-Match all apply (none is lost)', async () => {
    const created = await createUser(start);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        t
          .admin('patch', `${USERS}/${created._id}`)
          .send([{ operation: 'increment', field: '/loginCount', value: 1 }]),
      ),
    );
    expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    const read = await t.admin('get', `${USERS}/${created._id}`);
    expect(read.body.loginCount).toBe(7);
  });

  it.each<[string, unknown]>([
    ['an unknown operation', [{ operation: 'zap', field: '/description' }]],
    ['increment of a string', [{ operation: 'increment', field: '/sn', value: 1 }]],
    ['a body that is an object', { operation: 'add', field: '/a', value: 1 }],
    ['an operation without field', [{ operation: 'add', value: 1 }]],
    ['a change of _id', [{ operation: 'replace', field: '/_id', value: 'other' }]],
    ['move without from', [{ operation: 'move', field: '/displayName' }]],
  ])('rejects %s with 400 and changes nothing', async (_name, body) => {
    const created = await createUser(start);
    const res = await t.admin('patch', `${USERS}/${created._id}`).send(body as object);
    expectCrestError(res, 400);
    const read = await t.admin('get', `${USERS}/${created._id}`);
    expect(read.body).toEqual(created);
  });

  it('a patch that breaks the schema is a 403 policy failure and changes nothing', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('patch', `${USERS}/${created._id}`)
      .send([{ operation: 'remove', field: '/sn' }]);
    expectCrestError(res, 403);
    expect((await t.admin('get', `${USERS}/${created._id}`)).body).toEqual(created);
  });

  it('PATCH of an unknown id is 404', async () => {
    const res = await t
      .admin('patch', `${USERS}/nobody-here`)
      .send([{ operation: 'add', field: '/description', value: 'x' }]);
    expectCrestError(res, 404);
  });

  it('If-None-Match on PATCH is refused', async () => {
    const created = await createUser(start);
    const res = await t
      .admin('patch', `${USERS}/${created._id}`)
      .set('If-None-Match', '*')
      .send([{ operation: 'add', field: '/description', value: 'x' }]);
    expectCrestError(res, 400);
    expect((await t.admin('get', `${USERS}/${created._id}`)).body).toEqual(created);
  });
});
