import { startConcord, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError } from './crest-expect';

describe('operations endpoints', () => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo: 'postgres' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('GET /openidm/info/ping is public and answers like OpenIDM', async () => {
    const res = await t.call('get', '/openidm/info/ping');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _id: '', state: 'ACTIVE_READY' });
  });

  it('GET /openidm/info/login tells who is logged in', async () => {
    const res = await t.admin('get', '/openidm/info/login');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authenticationId: 'openidm-admin' });
    expect(res.body.authorization.roles).toContain('openidm-admin');
    expectCrestError(await t.call('get', '/openidm/info/login'), 401);
  });

  it('GET /health is public and UP while the repository answers', async () => {
    const res = await t.call('get', '/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('UP');
  });

  it('GET /metrics needs admin and counts HTTP requests', async () => {
    expectCrestError(await t.call('get', '/metrics'), 401);
    await t.admin('post', '/openidm/managed/user?_action=create').send(factory.managedUser());
    const res = await t.admin('get', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^http_requests_total\{.*\} \d+/m);
    expect(res.text).toContain('http_request_duration_seconds');
  });

  it('a managed user (not admin) gets 403 on /metrics', async () => {
    const user = factory.managedUser({ password: 'metrics-pw' });
    expect((await t.admin('post', '/openidm/managed/user?_action=create').send(user)).status).toBe(201);
    const res = await t.call('get', '/metrics').auth(user.userName, 'metrics-pw');
    expectCrestError(res, 403);
  });

  it('GET /openidm/api-docs serves an OpenAPI document with the managed paths', async () => {
    const res = await t.admin('get', '/openidm/api-docs');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining(['/openidm/managed/{type}', '/openidm/managed/{type}/{id}']),
    );
    expect(Object.keys(res.body.paths['/openidm/managed/{type}/{id}'] as object)).toEqual(
      expect.arrayContaining(['get', 'put', 'patch', 'delete', 'post']),
    );
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const given = await t.call('get', '/openidm/info/ping').set('X-Request-Id', 'trace-123');
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await t.call('get', '/openidm/info/ping').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
