import { freePort } from '../../support/slapd';
import { PEOPLE, provisioner, startSystemTest, type SystemTestEnv } from './system.fixture';

const SECRET = 'S3cret-never-shown';
let env: SystemTestEnv;
let downPort: number;

beforeAll(async () => {
  downPort = await freePort();
  env = await startSystemTest({
    connectors: () => ({
      // Nothing listens on this port: the connector's tests and requests must say the server is unavailable.
      down: provisioner('down', (raw) => {
        raw.configurationProperties.host = '127.0.0.1';
        raw.configurationProperties.port = downPort;
        raw.configurationProperties.credentials = SECRET;
        raw.connectorRef.connectorName = 'org.identityconnectors.ldap.LdapConnector';
      }),
      off: provisioner('off', (raw) => (raw.enabled = false)),
    }),
  });
});
afterAll(async () => env.destroy());

const connectorRef = {
  bundleName: 'org.forgerock.openicf.connectors.ldap-connector',
  bundleVersion: '[1.4.0.0,1.6.0.0)',
  connectorName: 'org.identityconnectors.ldap.LdapConnector',
};

describe('test actions', () => {
  it('tests one connector: reachable and bound, in OpenIDM shape, without credentials', async () => {
    const res = await env.t.admin('post', '/openidm/system/ldap?_action=test').expect(200);
    expect(res.body).toEqual({
      name: 'ldap',
      enabled: true,
      config: 'config/provisioner.openicf/ldap',
      objectTypes: ['account', 'group'],
      connectorRef,
      displayName: 'LDAP Connector',
      ok: true,
    });
  });

  it('tests every connector, reporting the unreachable and the disabled ones with a reason', async () => {
    const res = await env.t.admin('post', '/openidm/system?_action=test').expect(200);
    expect(res.body.map((r: { name: string }) => r.name)).toEqual(['down', 'ldap', 'off']);
    const [down, ldap, off] = res.body;
    expect(ldap).toMatchObject({ ok: true, enabled: true });
    expect(down).toMatchObject({
      name: 'down',
      enabled: true,
      ok: false,
      config: 'config/provisioner.openicf/down',
    });
    expect(down.error).toMatch(new RegExp(`127\\.0\\.0\\.1:${downPort}.*unavailable.*ECONNREFUSED`));
    expect(off).toMatchObject({ name: 'off', enabled: false, ok: false });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(JSON.stringify(res.body)).not.toMatch(/credentials|configurationProperties/);
  });

  it('answers 404 for an unknown connector and 400 for an unknown action', async () => {
    expect((await env.t.admin('post', '/openidm/system/nope?_action=test')).status).toBe(404);
    expect((await env.t.admin('post', '/openidm/system/ldap?_action=explode')).status).toBe(400);
    expect((await env.t.admin('post', '/openidm/system?_action=explode')).status).toBe(400);
    expect((await env.t.admin('get', '/openidm/system/ldap')).status).toBe(405);
    expect((await env.t.admin('get', '/openidm/system/off/account?_queryFilter=true')).status).toBe(404);
  });

  it('is for administrators only', async () => {
    expect((await env.t.call('post', '/openidm/system?_action=test')).status).toBe(401);
  });
});

describe('authenticate', () => {
  const authenticate = (username: string, password: string) =>
    env.t.admin(
      'post',
      `/openidm/system/ldap/account?_action=authenticate&username=${encodeURIComponent(username)}` +
        `&password=${encodeURIComponent(password)}`,
    );

  it("returns the account's _id for the right password", async () => {
    const res = await authenticate('jdoe', 'password').expect(200);
    const read = await env.t.admin('get', `/openidm/system/ldap/account/${res.body._id}`).expect(200);
    expect(read.body.dn).toBe(`uid=jdoe,${PEOPLE}`);
    expect(Object.keys(res.body)).toEqual(['_id']);
  });

  it('answers 401 for a wrong password, an unknown user, an empty password or a wildcard user name', async () => {
    for (const [username, password] of [
      ['jdoe', 'wrong'],
      ['nobody', 'password'],
      ['jdoe', ''],
      ['*', 'password'],
      ['jdoe)(uid=*', 'password'],
    ] as const) {
      const res = await authenticate(username, password);
      expect({ username, status: res.status }).toEqual({ username, status: 401 });
    }
  });

  it('answers 400 without username or password', async () => {
    expect(
      (await env.t.admin('post', '/openidm/system/ldap/account?_action=authenticate&username=jdoe')).status,
    ).toBe(400);
  });
});

describe('a connector whose server is down', () => {
  it('answers 503 with a message naming the server, and never shows the credentials', async () => {
    const res = await env.t.admin('get', '/openidm/system/down/account?_queryFilter=true');
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(
      new RegExp(`LDAP server .*127\\.0\\.0\\.1:${downPort}.* is unavailable`),
    );
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const read = await env.t.admin(
      'get',
      '/openidm/system/down/account/00000000-0000-0000-0000-000000000000',
    );
    expect(read.status).toBe(503);
  });
});
