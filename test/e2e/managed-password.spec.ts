import { startConcord, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError, type Resource } from './crest-expect';

const USERS = '/openidm/managed/user';
const CLEAR = 'Sup3r-Secret-Pa55';

interface StoredRow {
  doc: Record<string, unknown>;
}

describe('managed/user passwords and self-service', () => {
  let t: TestConcord;
  let me: Resource;
  let other: Resource;

  const asUser = (userName: string, password: string) => ({
    'X-OpenIDM-Username': userName,
    'X-OpenIDM-Password': password,
  });
  const asMe = () => asUser(me.userName as string, CLEAR);

  beforeAll(async () => {
    t = await startConcord({ repo: 'postgres', captureLogs: true });
    me = (await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ password: CLEAR })))
      .body;
    other = (
      await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ password: 'other-pw' }))
    ).body;
  });
  afterAll(async () => {
    await t.destroy();
  });

  describe('storage', () => {
    it('stores the password encrypted ($crypto), never in clear', async () => {
      const rows = await t.sql<StoredRow>(
        'SELECT doc FROM managed_objects WHERE object_type = $1 AND id = $2',
        ['user', me._id],
      );
      expect(rows).toHaveLength(1);
      const password = rows[0]?.doc.password;
      expect(password).toMatchObject({ $crypto: { type: 'x-simple-encryption', value: expect.any(Object) } });
      expect(JSON.stringify(rows[0]?.doc)).not.toContain(CLEAR);
    });

    it('is never returned by read, _fields=password, or query', async () => {
      const read = await t.admin('get', `${USERS}/${me._id}`);
      expect(read.body).not.toHaveProperty('password');
      const fields = await t.admin('get', `${USERS}/${me._id}?_fields=password,userName`);
      expect(fields.status).toBe(200);
      expect(fields.body).not.toHaveProperty('password');
      const query = await t.admin('get', USERS).query({ _queryFilter: 'true', _fields: 'password' });
      expect(query.status).toBe(200);
      for (const item of query.body.result as object[]) expect(item).not.toHaveProperty('password');
      const whole = await t.admin('get', USERS).query({ _queryFilter: 'true' });
      expect(JSON.stringify(whole.body)).not.toContain('$crypto');
    });

    it('cannot be found by filtering on its clear text', async () => {
      const res = await t.admin('get', USERS).query({ _queryFilter: 'password eq "other-pw"' });
      expect(res.status).toBe(200);
      expect(res.body.resultCount).toBe(0);
    });
  });

  describe('a managed user logged in with its own password', () => {
    it('reads its own record, with X-OpenIDM headers or HTTP Basic', async () => {
      const res = await t.call('get', `${USERS}/${me._id}`).set(asMe());
      expect(res.status).toBe(200);
      expect(res.body.userName).toBe(me.userName);
      const basic = await t.call('get', `${USERS}/${me._id}`).auth(me.userName as string, CLEAR);
      expect(basic.status).toBe(200);
    });

    it('patches its own record', async () => {
      const res = await t
        .call('patch', `${USERS}/${me._id}`)
        .set(asMe())
        .send([{ operation: 'replace', field: '/telephoneNumber', value: '555-0199' }]);
      expect(res.status).toBe(200);
      expect((await t.admin('get', `${USERS}/${me._id}`)).body.telephoneNumber).toBe('555-0199');
    });

    it("gets 403 on another user's record and changes nothing there", async () => {
      expectCrestError(await t.call('get', `${USERS}/${other._id}`).set(asMe()), 403);
      const patch = await t
        .call('patch', `${USERS}/${other._id}`)
        .set(asMe())
        .send([{ operation: 'replace', field: '/sn', value: 'Hijacked' }]);
      expectCrestError(patch, 403);
      expect((await t.admin('get', `${USERS}/${other._id}`)).body.sn).toBe(other.sn);
    });

    it('gets 403 on the collection query and on creates', async () => {
      expectCrestError(await t.call('get', USERS).set(asMe()).query({ _queryFilter: 'true' }), 403);
      expectCrestError(
        await t.call('post', `${USERS}?_action=create`).set(asMe()).send(factory.managedUser()),
        403,
      );
    });

    it('cannot delete or replace its own record, nor patch its accountStatus', async () => {
      expectCrestError(await t.call('delete', `${USERS}/${me._id}`).set(asMe()), 403);
      expectCrestError(
        await t.call('put', `${USERS}/${me._id}`).set(asMe()).send(factory.managedUser()),
        403,
      );
      const status = await t
        .call('patch', `${USERS}/${me._id}`)
        .set(asMe())
        .send([{ operation: 'replace', field: '/accountStatus', value: 'superuser' }]);
      expectCrestError(status, 403);
      expect((await t.admin('get', `${USERS}/${me._id}`)).body.accountStatus).toBe('active');
    });

    it('is refused with a wrong password (401)', async () => {
      expectCrestError(
        await t.call('get', `${USERS}/${me._id}`).set(asUser(me.userName as string, 'nope')),
        401,
      );
    });

    it('never finds its password in the logs (create body, headers, Basic)', () => {
      expect(t.logs()).toContain('request completed');
      expect(t.logs()).not.toContain(CLEAR);
    });
  });

  describe('password changes', () => {
    it('a PUT without password keeps the stored one', async () => {
      const user = (
        await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ password: 'keep-me' }))
      ).body;
      const { _id: id, _rev: _rev, ...content } = user;
      const put = await t.admin('put', `${USERS}/${id}`).send({ ...content, description: 'replaced' });
      expect(put.status).toBe(200);
      expect((await t.call('get', `${USERS}/${id}`).set(asUser(user.userName, 'keep-me'))).status).toBe(200);
    });

    it('a user changing its own password logs in with the new one only', async () => {
      const user = (
        await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser({ password: 'first-pw' }))
      ).body;
      const change = await t
        .call('patch', `${USERS}/${user._id}`)
        .set(asUser(user.userName, 'first-pw'))
        .send([{ operation: 'replace', field: '/password', value: 'second-pw' }]);
      expect(change.status).toBe(200);
      expect(change.body).not.toHaveProperty('password');
      expectCrestError(
        await t.call('get', `${USERS}/${user._id}`).set(asUser(user.userName, 'first-pw')),
        401,
      );
      expect(
        (await t.call('get', `${USERS}/${user._id}`).set(asUser(user.userName, 'second-pw'))).status,
      ).toBe(200);
    });

    it('deactivating or deleting a user ends its logins at once', async () => {
      const created = await t
        .admin('post', `${USERS}?_action=create`)
        .send(factory.managedUser({ password: 'pw-1' }));
      const user = created.body as { _id: string; userName: string };
      const headers = asUser(user.userName, 'pw-1');
      expect((await t.call('get', `${USERS}/${user._id}`).set(headers)).status).toBe(200);

      const deactivate = [{ operation: 'replace', field: '/accountStatus', value: 'inactive' }];
      expect((await t.admin('patch', `${USERS}/${user._id}`).send(deactivate)).status).toBe(200);
      expectCrestError(await t.call('get', `${USERS}/${user._id}`).set(headers), 401);

      const reactivate = [{ operation: 'replace', field: '/accountStatus', value: 'active' }];
      expect((await t.admin('patch', `${USERS}/${user._id}`).send(reactivate)).status).toBe(200);
      expect((await t.call('get', `${USERS}/${user._id}`).set(headers)).status).toBe(200);
      expect((await t.admin('delete', `${USERS}/${user._id}`)).status).toBe(200);
      expectCrestError(await t.call('get', `${USERS}/${user._id}`).set(headers), 401);
    });

    it('an inactive account cannot log in', async () => {
      const user = (
        await t
          .admin('post', `${USERS}?_action=create`)
          .send(factory.managedUser({ password: 'locked-pw', accountStatus: 'inactive' }))
      ).body;
      expectCrestError(
        await t.call('get', `${USERS}/${user._id}`).set(asUser(user.userName, 'locked-pw')),
        401,
      );
    });
  });
});
