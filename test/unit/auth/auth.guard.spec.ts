import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ADMIN, basic, createAuthTestApp, InMemoryManagedUsers } from './auth-test-app';

const ALICE = { userName: 'alice', password: 'alice-pw', id: 'a-1' };
const BOB = { userName: 'bob', password: 'bob-pw', id: 'b-2' };
const READER = { userName: 'reader', password: 'reader-pw', roles: ['openidm-reg'] };

type Who = 'nobody' | 'admin' | 'admin-wrong' | 'alice' | 'alice-wrong' | 'reader' | 'unknown';

const HEADERS: Record<Who, Record<string, string>> = {
  nobody: {},
  admin: { 'X-OpenIDM-Username': ADMIN.userName, 'X-OpenIDM-Password': 'admin-secret' },
  'admin-wrong': { 'X-OpenIDM-Username': ADMIN.userName, 'X-OpenIDM-Password': 'nope' },
  alice: { 'X-OpenIDM-Username': ALICE.userName, 'X-OpenIDM-Password': ALICE.password },
  'alice-wrong': { 'X-OpenIDM-Username': ALICE.userName, 'X-OpenIDM-Password': 'bob-pw' },
  reader: { 'X-OpenIDM-Username': READER.userName, 'X-OpenIDM-Password': READER.password },
  unknown: { 'X-OpenIDM-Username': 'mallory', 'X-OpenIDM-Password': 'x' },
};

describe('AuthGuard over HTTP', () => {
  let app: INestApplication<App>;
  let managed: InMemoryManagedUsers;

  beforeAll(async () => {
    managed = new InMemoryManagedUsers({
      [ALICE.userName]: { id: ALICE.id, password: ALICE.password },
      [BOB.userName]: { id: BOB.id, password: BOB.password },
    });
    app = await createAuthTestApp({ users: [ADMIN, READER], managedUsers: managed });
  });

  afterAll(async () => {
    await app.close();
  });

  type Row = [who: Who, method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string, status: number];
  const rows: Row[] = [
    ['nobody', 'get', '/openidm/managed/user/a-1', 401],
    ['nobody', 'get', '/openidm/managed/user', 401],
    ['admin-wrong', 'get', '/openidm/managed/user', 401],
    ['alice-wrong', 'get', '/openidm/managed/user/a-1', 401],
    ['unknown', 'get', '/openidm/managed/user', 401],
    ['admin', 'get', '/openidm/managed/user', 200],
    ['admin', 'post', '/openidm/managed/user?_action=create', 201],
    ['admin', 'get', '/openidm/managed/user/b-2', 200],
    ['admin', 'put', '/openidm/managed/user/b-2', 200],
    ['admin', 'delete', '/openidm/managed/user/b-2', 200],
    ['admin', 'get', '/openidm/config', 200],
    ['alice', 'get', '/openidm/managed/user/a-1', 200],
    ['alice', 'get', '/openidm/managed/user/a-1?_fields=userName', 200],
    ['alice', 'patch', '/openidm/managed/user/a-1', 200],
    ['alice', 'post', '/openidm/managed/user/a-1?_action=patch', 201],
    ['alice', 'post', '/openidm/managed/user/a-1?_action=patch&_action=patch', 403],
    ['alice', 'post', '/openidm/managed/user/a-1?_action=create', 403],
    ['alice', 'put', '/openidm/managed/user/a-1', 403],
    ['alice', 'delete', '/openidm/managed/user/a-1', 403],
    ['alice', 'get', '/openidm/managed/user/b-2', 403],
    ['alice', 'patch', '/openidm/managed/user/b-2', 403],
    ['alice', 'get', '/openidm/managed/user/a-1%2F..%2Fb-2', 403],
    ['alice', 'get', '/openidm/managed/user', 403],
    ['alice', 'post', '/openidm/managed/user?_action=create', 403],
    ['alice', 'get', '/openidm/config', 403],
    ['alice', 'get', '/openidm/info/login', 200],
    ['reader', 'get', '/openidm/info/login', 200],
    ['reader', 'get', '/openidm/managed/user', 403],
    ['reader', 'get', '/openidm/managed/user/a-1', 403],
    ['nobody', 'get', '/openidm/info/login', 401],
    ['nobody', 'get', '/openidm/info/ping', 200],
    ['nobody', 'get', '/openidm/config/public', 200],
  ];

  it.each(rows)('%s %s %s -> %i', async (who, method, url, status) => {
    const response = await request(app.getHttpServer())[method](url).set(HEADERS[who]).send([]);
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.body).toEqual({ code: 401, reason: 'Unauthorized', message: 'Access Denied' });
    }
    if (status === 403) {
      expect(response.body).toMatchObject({ code: 403, reason: 'Forbidden' });
    }
  });

  it('accepts HTTP Basic credentials for internal and managed users', async () => {
    const server = app.getHttpServer();
    await request(server)
      .get('/openidm/managed/user')
      .set('Authorization', basic(ADMIN.userName, 'admin-secret'))
      .expect(200);
    await request(server)
      .get('/openidm/managed/user/a-1')
      .set('Authorization', basic('alice', 'alice-pw'))
      .expect(200);
    await request(server)
      .get('/openidm/managed/user')
      .set('Authorization', basic(ADMIN.userName, 'wrong'))
      .expect(401);
    await request(server).get('/openidm/managed/user').set('Authorization', 'Bearer abc').expect(401);
  });

  it('keeps a self-service user away from fields that grant access', async () => {
    const server = app.getHttpServer();
    const patch = (body: unknown) =>
      request(server)
        .patch('/openidm/managed/user/a-1')
        .set(HEADERS.alice)
        .send(body as object);
    await patch([{ operation: 'replace', field: '/telephoneNumber', value: '555' }]).expect(200);
    await patch([{ operation: 'replace', field: '/accountStatus', value: 'active' }]).expect(403);
    await patch([
      { operation: 'add', field: 'authzRoles/-', value: { _ref: 'internal/role/openidm-admin' } },
    ]).expect(403);
    await patch([{ operation: 'replace', field: '/', value: {} }]).expect(403);
    await patch([{ operation: 'move', from: '/roles', field: '/description' }]).expect(403);
    await patch([{ operation: 'copy', from: '/roles', field: '/description' }]).expect(200);
  });

  it('puts the principal on the request for the handler', async () => {
    const response = await request(app.getHttpServer())
      .get('/openidm/managed/user/a-1')
      .set(HEADERS.alice)
      .expect(200);
    expect(response.body).toEqual({ op: 'read', id: 'a-1', by: 'alice' });
  });
});
