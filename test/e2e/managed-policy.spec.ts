import { startConcord, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError, failedPolicies } from './crest-expect';

const USERS = '/openidm/managed/user';

describe('managed.json schema over HTTP', () => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo: 'postgres' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  async function countUsers(filter: string): Promise<number> {
    const res = await t.admin('get', USERS).query({ _queryFilter: filter, _fields: '_id' });
    expect(res.status).toBe(200);
    return res.body.resultCount as number;
  }

  it('missing required properties: 403 "Failed policy validation" naming each one', async () => {
    const res = await t.admin('post', `${USERS}?_action=create`).send({ userName: 'incomplete', sn: 'Only' });
    expectCrestError(res, 403);
    expect(res.body.message).toBe('Failed policy validation');
    expect(failedPolicies(res)).toEqual({ givenName: ['REQUIRED'], mail: ['REQUIRED'] });
    expect(await countUsers('userName eq "incomplete"')).toBe(0);
  });

  it('a wrong type is a 403 VALID_TYPE on that property', async () => {
    const res = await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ givenName: 42 }));
    expectCrestError(res, 403);
    expect(failedPolicies(res)).toEqual({ givenName: ['VALID_TYPE'] });
  });

  it('a null required property counts as missing', async () => {
    const res = await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ mail: null }));
    expectCrestError(res, 403);
    expect(Object.keys(failedPolicies(res))).toEqual(['mail']);
  });

  it('the same rules apply to PUT and PATCH, which then change nothing', async () => {
    const created = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
    const put = await t.admin('put', `${USERS}/${created._id}`).send({ userName: created.userName });
    expectCrestError(put, 403);
    expect(Object.keys(failedPolicies(put)).sort()).toEqual(['givenName', 'mail', 'sn']);
    const patch = await t
      .admin('patch', `${USERS}/${created._id}`)
      .send([{ operation: 'replace', field: '/sn', value: ['not', 'a', 'string'] }]);
    expectCrestError(patch, 403);
    expect(failedPolicies(patch)).toEqual({ sn: ['VALID_TYPE'] });
    expect((await t.admin('get', `${USERS}/${created._id}`)).body).toEqual(created);
  });

  it('role requires its name', async () => {
    const res = await t
      .admin('post', '/openidm/managed/role?_action=create')
      .send({ description: 'nameless' });
    expectCrestError(res, 403);
    expect(failedPolicies(res)).toEqual({ name: ['REQUIRED'] });
  });

  it('accountStatus defaults to "active" on create, but a given value is kept', async () => {
    const given = await t
      .admin('post', `${USERS}?_action=create`)
      .send(factory.managedUser({ accountStatus: 'inactive' }));
    expect(given.status).toBe(201);
    expect(given.body.accountStatus).toBe('inactive');
  });

  describe('unique userName', () => {
    it('a duplicate userName on create is a 403 UNIQUE', async () => {
      const first = factory.managedUser();
      expect((await t.admin('post', `${USERS}?_action=create`).send(first)).status).toBe(201);
      const res = await t
        .admin('post', `${USERS}?_action=create`)
        .send(factory.managedUser({ userName: first.userName }));
      expectCrestError(res, 403);
      expect(res.body.message).toBe('Failed policy validation');
      expect(failedPolicies(res)).toEqual({ userName: ['UNIQUE'] });
      expect(await countUsers(`userName eq "${first.userName}"`)).toBe(1);
    });

    it('renaming onto a taken userName is a 403 UNIQUE and changes nothing', async () => {
      const taken = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      const mover = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      const res = await t
        .admin('patch', `${USERS}/${mover._id}`)
        .send([{ operation: 'replace', field: '/userName', value: taken.userName }]);
      expectCrestError(res, 403);
      expect(failedPolicies(res)).toEqual({ userName: ['UNIQUE'] });
      expect((await t.admin('get', `${USERS}/${mover._id}`)).body).toEqual(mover);
    });

    it('of concurrent creates with one userName exactly one wins; the others get 403 UNIQUE', async () => {
      const userName = factory.managedUser().userName;
      const attempts = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ userName })),
        ),
      );
      const statuses = attempts.map((res) => res.status).sort();
      expect(statuses).toEqual([201, 403, 403, 403, 403, 403, 403, 403]);
      for (const res of attempts.filter((r) => r.status === 403)) {
        expect(failedPolicies(res)).toEqual({ userName: ['UNIQUE'] });
      }
      expect(await countUsers(`userName eq "${userName}"`)).toBe(1);
    });

    it('a deleted userName can be used again', async () => {
      const first = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser())).body;
      expect((await t.admin('delete', `${USERS}/${first._id}`)).status).toBe(200);
      const again = await t
        .admin('post', `${USERS}?_action=create`)
        .send(factory.managedUser({ userName: first.userName }));
      expect(again.status).toBe(201);
    });
  });
});
