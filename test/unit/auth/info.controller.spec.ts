import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { hashPassword } from '../../../src/auth/password-hash';
import { basic, CountingHasher, createAuthTestApp, InMemoryManagedUsers } from './auth-test-app';

describe('/openidm/info endpoints and the login cache over HTTP', () => {
  let app: INestApplication<App>;
  let hasher: CountingHasher;

  beforeAll(async () => {
    hasher = new CountingHasher();
    app = await createAuthTestApp({
      users: [
        {
          userName: 'openidm-admin',
          password: await hashPassword('s3cret'),
          roles: ['openidm-admin', 'openidm-authorized'],
        },
        { userName: 'svc', password: await hashPassword('svc-pw'), roles: ['openidm-admin'] },
      ],
      managedUsers: new InMemoryManagedUsers({ alice: { id: 'a-1', password: 'alice-pw' } }),
      hasher,
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers ping without credentials, as OpenIDM does', async () => {
    const response = await request(app.getHttpServer()).get('/openidm/info/ping').expect(200);
    expect(response.body).toEqual({ _id: '', state: 'ACTIVE_READY', shortDesc: 'OpenIDM ready' });
  });

  it('describes an internal admin on login', async () => {
    const response = await request(app.getHttpServer())
      .get('/openidm/info/login')
      .set('X-OpenIDM-Username', 'openidm-admin')
      .set('X-OpenIDM-Password', 's3cret')
      .expect(200);
    expect(response.body).toEqual({
      _id: 'login',
      authenticationId: 'openidm-admin',
      authorization: {
        id: 'openidm-admin',
        component: 'internal/user',
        roles: ['openidm-admin', 'openidm-authorized'],
        moduleId: 'INTERNAL_USER',
      },
    });
  });

  it('describes a managed user on login by its record id', async () => {
    const response = await request(app.getHttpServer())
      .get('/openidm/info/login')
      .set('Authorization', basic('alice', 'alice-pw'))
      .expect(200);
    expect(response.body).toEqual({
      _id: 'login',
      authenticationId: 'alice',
      authorization: {
        id: 'a-1',
        component: 'managed/user',
        roles: ['openidm-authorized'],
        moduleId: 'MANAGED_USER',
      },
    });
  });

  it('runs scrypt once for repeated requests with the same credentials, and every time for a wrong password', async () => {
    const server = app.getHttpServer();
    const as = (password: string) =>
      request(server)
        .get('/openidm/managed/user')
        .set('X-OpenIDM-Username', 'svc')
        .set('X-OpenIDM-Password', password);
    const before = hasher.verifications;
    await as('svc-pw').expect(200);
    await as('svc-pw').expect(200);
    await request(server)
      .get('/openidm/managed/user')
      .set('Authorization', basic('svc', 'svc-pw'))
      .expect(200);
    expect(hasher.verifications - before).toBe(1);
    await as('wrong').expect(401);
    await as('wrong').expect(401);
    expect(hasher.verifications - before).toBe(3);
  });
});
