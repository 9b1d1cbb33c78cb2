/**
 * Issue 6 end to end on the sample: a managed edit reaches LDAP before the REST reply (implicit sync through the
 * durable queue), an LDAP edit comes back through live sync, and neither direction loops.
 */
import { reconciledSampleForFile } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const env = reconciledSampleForFile();

const ldapEntry = (uid: string, attributes: string[] = ['*', 'entryCSN']) =>
  env.slapd.search(PEOPLE, `(uid=${uid})`, attributes);

async function managedUser(userName: string): Promise<Record<string, unknown>> {
  const res = await env.t.admin('get', `/openidm/managed/user?_queryFilter=userName+eq+"${userName}"`);
  const [user] = (res.body as { result: Record<string, unknown>[] }).result;
  if (!user) throw new Error(`no managed user ${userName}`);
  return user;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('implicit sync: managed/user → LDAP', () => {
  it('creates fdoe in LDAP before the create returns (reverse mapping ABSENT → CREATE)', async () => {
    const res = await env.t
      .admin('post', '/openidm/managed/user?_action=create')
      .send({ userName: 'fdoe', givenName: 'Fred', sn: 'Doe', mail: 'fdoe@example.com' });
    expect(res.status).toBe(201);
    const entry = await ldapEntry('fdoe');
    expect(entry).toContain(`dn: uid=fdoe,${PEOPLE}`);
    expect(entry).toContain('cn: Fred Doe');
    expect(entry).toContain('mail: fdoe@example.com');
  });

  it('carries a PATCH to LDAP at once', async () => {
    const user = await managedUser('fdoe');
    const res = await env.t
      .admin('patch', `/openidm/managed/user/${String(user._id)}`)
      .send([{ operation: 'replace', field: '/telephoneNumber', value: '+1 555 0100' }]);
    expect(res.status).toBe(200);
    expect(await ldapEntry('fdoe')).toContain('telephoneNumber: +1 555 0100');
  });

  it('writes an audit/sync event for each implicit sync', async () => {
    const res = await env.t.admin(
      'get',
      '/openidm/audit/sync?_queryFilter=mapping+eq+"managedUser_systemLdapAccounts"',
    );
    const actions = (res.body as { result: { action: string; status: string }[] }).result.map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['CREATE', 'UPDATE']));
  });

  it('deletes the LDAP entry when the managed user is deleted (SOURCE_MISSING → DELETE)', async () => {
    const user = await managedUser('fdoe');
    expect((await env.t.admin('delete', `/openidm/managed/user/${String(user._id)}`)).status).toBe(200);
    expect(await ldapEntry('fdoe')).not.toContain('uid=fdoe');
  });
});

describe('live sync: LDAP → managed/user, without loops', () => {
  it('records the latest token on the first run and brings an LDAP edit back on the next', async () => {
    const first = await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      _id: 'SYSTEMLDAPACCOUNT',
      connectorData: { syncToken: expect.anything() },
    });

    await env.slapd.modify(
      `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: +1 555 0199\n`,
    );
    const second = await env.t.admin('post', '/openidm/system?_action=liveSync&source=system/ldap/account');
    expect(second.status).toBe(200);
    expect((await managedUser('bjensen')).telephoneNumber).toBe('+1 555 0199');
  });

  it('does not write the change back to LDAP, and a second pass changes nothing', async () => {
    const before = await ldapEntry('bjensen', ['entryCSN']);
    const rev = (await managedUser('bjensen'))._rev;
    await sleep(2_500); // the queue worker delivers the managed update's implicit sync in this time
    await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');
    await sleep(2_500);
    expect(await ldapEntry('bjensen', ['entryCSN'])).toEqual(before);
    expect((await managedUser('bjensen'))._rev).toBe(rev);
  });
});
