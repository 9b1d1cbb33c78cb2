import { startConcord, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError } from './crest-expect';

const USERS = '/openidm/managed/user';

describe('CREST errors over HTTP', () => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo: 'postgres' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  async function countUsers(filter: string): Promise<number> {
    const res = await t.admin('get', USERS).query({ _queryFilter: filter, _fields: '_id' });
    return res.body.resultCount as number;
  }

  describe('authentication', () => {
    it('no credentials: 401', async () => {
      expectCrestError(await t.call('get', USERS).query({ _queryFilter: 'true' }), 401);
      expectCrestError(await t.call('post', `${USERS}?_action=create`).send(factory.managedUser()), 401);
    });

    it('a wrong password: 401, with headers or Basic', async () => {
      const headers = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'wrong' };
      expectCrestError(await t.call('get', `${USERS}/x`).set(headers), 401);
      expectCrestError(await t.call('get', `${USERS}/x`).auth('openidm-admin', 'wrong'), 401);
      expectCrestError(
        await t.call('get', `${USERS}/x`).set({ ...headers, 'X-OpenIDM-Username': 'nobody' }),
        401,
      );
    });

    it('an unauthenticated create stores nothing', async () => {
      const user = factory.managedUser();
      await t.call('post', `${USERS}?_action=create`).send(user);
      expect(await countUsers(`userName eq "${user.userName}"`)).toBe(0);
    });

    it('admin with HTTP Basic works like the headers', async () => {
      const res = await t
        .call('get', USERS)
        .auth('openidm-admin', 'openidm-admin')
        .query({ _queryId: 'query-all-ids' });
      expect(res.status).toBe(200);
    });
  });

  describe('methods and routes', () => {
    it.each([
      ['DELETE', 'delete'],
      ['PUT', 'put'],
      ['PATCH', 'patch'],
    ] as const)('%s on the collection: 405', async (_name, method) => {
      const res = await t.admin(method, USERS).send([]);
      expectCrestError(res, 405);
    });

    it('an unknown action: 400', async () => {
      expectCrestError(await t.admin('post', `${USERS}?_action=explode`).send({}), 400);
      const created = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      expectCrestError(await t.admin('post', `${USERS}/${created._id}?_action=explode`).send({}), 400);
    });

    it('a URL over the 16 KiB the HTTP parser accepts: 431 with the CREST body', async () => {
      expectCrestError(await t.admin('get', `${USERS}/${'x'.repeat(20_000)}`), 431);
    });

    it('an unknown path: 404 with the CREST body', async () => {
      expectCrestError(await t.admin('get', '/openidm/nothing/here'), 404);
      expectCrestError(await t.admin('get', `${USERS}/a/b`), 404);
    });
  });

  describe('request bodies', () => {
    it('a body over 1 MiB: 413 and nothing stored', async () => {
      const user = factory.managedUser({ description: 'x'.repeat(1024 * 1024) });
      const res = await t.admin('post', `${USERS}?_action=create`).send(user);
      expectCrestError(res, 413);
      expect(await countUsers(`userName eq "${user.userName}"`)).toBe(0);
    });

    it('a body just under 1 MiB is accepted', async () => {
      const user = factory.managedUser({ description: 'x'.repeat(1000 * 1000) });
      const res = await t.admin('post', `${USERS}?_action=create`).send(user);
      expect(res.status).toBe(201);
    });

    it('a non-JSON content type: 415 and nothing stored', async () => {
      const user = factory.managedUser();
      const res = await t
        .admin('post', `${USERS}?_action=create`)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(user));
      expectCrestError(res, 415);
      const form = await t
        .admin('post', `${USERS}?_action=create`)
        .type('form')
        .send({ userName: user.userName });
      expectCrestError(form, 415);
      expect(await countUsers(`userName eq "${user.userName}"`)).toBe(0);
    });

    it('malformed JSON: 400', async () => {
      const res = await t
        .admin('post', `${USERS}?_action=create`)
        .set('Content-Type', 'application/json')
        .send('{"a":');
      expectCrestError(res, 400);
    });

    it.each(['[]', '[{"userName":"x"}]', '42', '"text"', 'null', 'true'])(
      'a JSON %s body on create: 400',
      async (text) => {
        const res = await t
          .admin('post', `${USERS}?_action=create`)
          .set('Content-Type', 'application/json')
          .send(text);
        expectCrestError(res, 400);
        const put = await t
          .admin('put', `${USERS}/json-shape`)
          .set('Content-Type', 'application/json')
          .send(text);
        expectCrestError(put, 400);
      },
    );

    it('a body nested too deeply: 400', async () => {
      const text = `{"userName":"deep","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const res = await t
        .admin('post', `${USERS}?_action=create`)
        .set('Content-Type', 'application/json')
        .send(text);
      expectCrestError(res, 400);
    });

    it('a gzip body that does not inflate: 400; an unknown encoding: 415', async () => {
      const gzip = await t
        .admin('post', `${USERS}?_action=create`)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('{}');
      expectCrestError(gzip, 400);
      const unknown = await t
        .admin('post', `${USERS}?_action=create`)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'zstd-ish')
        .send('{}');
      expectCrestError(unknown, 415);
    });
  });

  describe('preconditions and parameters', () => {
    it('If-None-Match other than * on PUT: 400', async () => {
      const res = await t
        .admin('put', `${USERS}/inm`)
        .set('If-None-Match', '"3"')
        .send(factory.managedUser());
      expectCrestError(res, 400);
      expectCrestError(await t.admin('get', `${USERS}/inm`), 404);
    });

    it('If-Match and If-None-Match together on PUT: 412', async () => {
      const res = await t
        .admin('put', `${USERS}/both-headers`)
        .set('If-None-Match', '*')
        .set('If-Match', '"1"')
        .send(factory.managedUser());
      expectCrestError(res, 412);
    });

    it('If-None-Match: * on a read: 412', async () => {
      const created = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      expectCrestError(await t.admin('get', `${USERS}/${created._id}`).set('If-None-Match', '*'), 412);
    });

    it('an If-Match that is not a revision never matches: 412', async () => {
      const created = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      const res = await t.admin('put', `${USERS}/${created._id}`).set('If-Match', 'garbage').send(created);
      expectCrestError(res, 412);
    });

    it('an id over 255 characters or with a slash is refused on create: 400', async () => {
      const long = await t
        .admin('post', `${USERS}?_action=create&_id=${'x'.repeat(256)}`)
        .send(factory.managedUser());
      expectCrestError(long, 400);
      const slash = await t.admin('post', `${USERS}?_action=create&_id=a%2Fb`).send(factory.managedUser());
      expectCrestError(slash, 400);
    });

    it('a repeated single-valued parameter: 400', async () => {
      expectCrestError(await t.admin('get', `${USERS}?_queryFilter=true&_queryFilter=false`), 400);
      expectCrestError(await t.admin('post', `${USERS}?_action=create&_action=create`).send({}), 400);
    });

    it('invalid query filters name the position where they broke', async () => {
      const res = await t.admin('get', USERS).query({ _queryFilter: 'userName eq "a" and' });
      expectCrestError(res, 400);
      expect(res.body.message).toContain('Invalid query filter \'userName eq "a" and\'');
      expect(res.body.message).toMatch(/position \d+/);
    });
  });
});
