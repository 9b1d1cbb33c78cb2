import { startConcord, type RepoKind, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError, type Resource } from './crest-expect';

const USERS = '/openidm/managed/user';

describe.each<RepoKind>(['postgres', 'embedded'])(
  'managed objects CRUD over HTTP (%s repository)',
  (repo) => {
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

    describe('create', () => {
      it('POST ?_action=create assigns a server id and answers 201 with Location, ETag and the object', async () => {
        const body = factory.managedUser({ password: 'Passw0rd!' });
        const res = await t.admin('post', `${USERS}?_action=create`).send(body);

        expect(res.status).toBe(201);
        const id = res.body._id as string;
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers.location).toBe(`${USERS}/${id}`);
        expect(res.headers.etag).toBe(`"${res.body._rev}"`);
        expect(res.body).toEqual({
          _id: id,
          _rev: expect.any(String),
          userName: body.userName,
          givenName: body.givenName,
          sn: body.sn,
          mail: body.mail,
          accountStatus: 'active',
        });
      });

      it('POST ?_action=create&_id=<id> uses the given id', async () => {
        const res = await t
          .admin('post', `${USERS}?_action=create&_id=chosen-id`)
          .send(factory.managedUser());
        expect(res.status).toBe(201);
        expect(res.body._id).toBe('chosen-id');
        expect(res.headers.location).toBe(`${USERS}/chosen-id`);
      });

      it('plain POST on the collection creates too', async () => {
        const body = factory.managedUser();
        const res = await t.admin('post', USERS).send(body);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ userName: body.userName, accountStatus: 'active' });
        const read = await t.admin('get', `${USERS}/${res.body._id}`);
        expect(read.body.userName).toBe(body.userName);
      });

      it('PUT /<id> with If-None-Match: * creates with the id from the path', async () => {
        const res = await t
          .admin('put', `${USERS}/put-created`)
          .set('If-None-Match', '*')
          .send(factory.managedUser());
        expect(res.status).toBe(201);
        expect(res.body._id).toBe('put-created');
        expect(res.headers.location).toBe(`${USERS}/put-created`);
        expect(res.headers.etag).toBe(`"${res.body._rev}"`);
      });

      it('creating an id that exists answers 412 and leaves the existing object alone', async () => {
        const original = await createUser();
        const id = original._id;
        const again = await t
          .admin('put', `${USERS}/${id}`)
          .set('If-None-Match', '*')
          .send(factory.managedUser());
        expectCrestError(again, 412);
        const viaAction = await t
          .admin('post', `${USERS}?_action=create&_id=${id}`)
          .send(factory.managedUser());
        expectCrestError(viaAction, 412);

        const read = await t.admin('get', `${USERS}/${id}`);
        expect(read.body).toEqual(original);
      });

      it('a role is created the same way', async () => {
        const res = await t.admin('post', '/openidm/managed/role?_action=create').send({ name: 'auditors' });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ _id: expect.any(String), _rev: expect.any(String), name: 'auditors' });
      });
    });

    describe('read', () => {
      it('returns the object with its ETag', async () => {
        const created = await createUser({ description: 'reads back' });
        const res = await t.admin('get', `${USERS}/${created._id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(created);
        expect(res.headers.etag).toBe(`"${created._rev}"`);
      });

      it('_fields restricts the properties (and _id/_rev stay)', async () => {
        const created = await createUser();
        const res = await t.admin('get', `${USERS}/${created._id}?_fields=userName,mail`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          _id: created._id,
          _rev: created._rev,
          userName: created.userName,
          mail: created.mail,
        });
      });

      it('an unknown id is 404', async () => {
        expectCrestError(await t.admin('get', `${USERS}/no-such-id`), 404);
      });

      it('an unknown object type is 404, for reads, queries and creates', async () => {
        expectCrestError(await t.admin('get', '/openidm/managed/gadget/x'), 404);
        expectCrestError(await t.admin('get', '/openidm/managed/gadget?_queryFilter=true'), 404);
        expectCrestError(await t.admin('post', '/openidm/managed/gadget?_action=create').send({ a: 1 }), 404);
      });
    });

    describe('update (PUT)', () => {
      it('with the current If-Match replaces the object and bumps the revision', async () => {
        const created = await createUser();
        const replacement = factory.managedUser({ userName: created.userName as string, sn: 'Replaced' });
        const res = await t
          .admin('put', `${USERS}/${created._id}`)
          .set('If-Match', `"${created._rev}"`)
          .send(replacement);

        expect(res.status).toBe(200);
        expect(Number(res.body._rev)).toBeGreaterThan(Number(created._rev));
        expect(res.headers.etag).toBe(`"${res.body._rev}"`);
        expect(res.body).toMatchObject({ sn: 'Replaced', _id: created._id });
        const read = await t.admin('get', `${USERS}/${created._id}`);
        expect(read.body).toEqual(res.body);
      });

      it('If-Match: * updates whatever the revision', async () => {
        const created = await createUser();
        const res = await t
          .admin('put', `${USERS}/${created._id}`)
          .set('If-Match', '*')
          .send({ ...factory.managedUser(), userName: created.userName });
        expect(res.status).toBe(200);
      });

      it('with a stale If-Match answers 412 and changes nothing', async () => {
        const created = await createUser();
        const first = await t
          .admin('put', `${USERS}/${created._id}`)
          .set('If-Match', `"${created._rev}"`)
          .send({ ...factory.managedUser(), userName: created.userName, sn: 'First' });
        expect(first.status).toBe(200);

        const stale = await t
          .admin('put', `${USERS}/${created._id}`)
          .set('If-Match', `"${created._rev}"`)
          .send({ ...factory.managedUser(), userName: created.userName, sn: 'Second' });
        expectCrestError(stale, 412);
        const read = await t.admin('get', `${USERS}/${created._id}`);
        expect(read.body).toEqual(first.body);
      });

      it('If-Match on an id that does not exist is 404', async () => {
        const res = await t
          .admin('put', `${USERS}/missing-one`)
          .set('If-Match', '"1"')
          .send(factory.managedUser());
        expectCrestError(res, 404);
      });

      it('without precondition headers is an upsert: 201 the first time, 200 after', async () => {
        const body = factory.managedUser();
        const created = await t.admin('put', `${USERS}/upserted`).send(body);
        expect(created.status).toBe(201);
        expect(created.headers.location).toBe(`${USERS}/upserted`);

        const updated = await t.admin('put', `${USERS}/upserted`).send({ ...body, sn: 'Upserted' });
        expect(updated.status).toBe(200);
        expect(updated.body.sn).toBe('Upserted');
        expect(Number(updated.body._rev)).toBeGreaterThan(Number(created.body._rev));
      });

      it('an update that changes nothing keeps the same _rev', async () => {
        const created = await createUser();
        const { _id: id, _rev: rev, ...content } = created;
        const res = await t.admin('put', `${USERS}/${id}`).set('If-Match', `"${rev}"`).send(content);
        expect(res.status).toBe(200);
        expect(res.body._rev).toBe(rev);
        expect(res.headers.etag).toBe(`"${rev}"`);
      });

      it('_id in the body cannot move the object to another id', async () => {
        const created = await createUser();
        const res = await t
          .admin('put', `${USERS}/${created._id}`)
          .send({ ...factory.managedUser(), userName: created.userName, _id: 'elsewhere' });
        expect(res.status).toBe(200);
        expect(res.body._id).toBe(created._id);
        expectCrestError(await t.admin('get', `${USERS}/elsewhere`), 404);
      });
    });

    describe('delete', () => {
      it('without If-Match deletes and returns the deleted object', async () => {
        const created = await createUser();
        const res = await t.admin('delete', `${USERS}/${created._id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(created);
        expectCrestError(await t.admin('get', `${USERS}/${created._id}`), 404);
      });

      it('with the current If-Match deletes', async () => {
        const created = await createUser();
        const res = await t.admin('delete', `${USERS}/${created._id}`).set('If-Match', `"${created._rev}"`);
        expect(res.status).toBe(200);
        expectCrestError(await t.admin('get', `${USERS}/${created._id}`), 404);
      });

      it('with a stale If-Match answers 412 and the object is still there', async () => {
        const created = await createUser();
        const res = await t.admin('delete', `${USERS}/${created._id}`).set('If-Match', '"999"');
        expectCrestError(res, 412);
        const read = await t.admin('get', `${USERS}/${created._id}`);
        expect(read.body).toEqual(created);
      });

      it('an unknown id is 404', async () => {
        expectCrestError(await t.admin('delete', `${USERS}/never-existed`), 404);
      });
    });
  },
);
