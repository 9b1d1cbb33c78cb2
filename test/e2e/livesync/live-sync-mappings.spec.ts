/**
 * Live sync through the sample's mappings, on real slapd (accesslog) and PostgreSQL: an entry created, renamed
 * and deleted in LDAP is created, renamed and deleted in managed/user; a managed edit reaches LDAP and does not
 * come back as a managed update (the sample filters no modifier, so live sync reads Concord's own write back, finds
 * nothing to change and writes nothing; filtering by bind DN is tested in test/integration).
 */
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
  await env.recon(LDAP_TO_MANAGED);
  // The first run only records the latest token.
  await liveSync();
});

afterAll(async () => {
  await env?.destroy();
});

async function liveSync(): Promise<void> {
  const res = await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');
  if (res.status !== 200) throw new Error(`liveSync answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function managedUsers(userName: string): Promise<Record<string, unknown>[]> {
  const res = await env.t
    .admin('get', `/openidm/managed/user?_queryFilter=userName+eq+"${userName}"`)
    .expect(200);
  return (res.body as { result: Record<string, unknown>[] }).result;
}

const entryCsn = (uid: string) => env.slapd.search(PEOPLE, `(uid=${uid})`, ['entryCSN']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let createdId: string;

it('creates a managed user for an entry added in LDAP, and writes nothing back', async () => {
  await env.slapd.add(
    [
      `dn: uid=lsnew,${PEOPLE}`,
      'objectClass: inetOrgPerson',
      'uid: lsnew',
      'cn: Lena New',
      'givenName: Lena',
      'sn: New',
      'mail: lsnew@example.com',
      '',
    ].join('\n'),
  );
  const before = await entryCsn('lsnew');
  await liveSync();
  const [user] = await managedUsers('lsnew');
  expect(user).toMatchObject({ userName: 'lsnew', givenName: 'Lena', sn: 'New', displayName: 'Lena New' });
  createdId = String(user?._id);
  await sleep(2_000); // time for any queued reverse sync to be delivered
  expect(await entryCsn('lsnew')).toEqual(before);
});

it('follows a rename in LDAP: the same managed user, with the new userName', async () => {
  await env.slapd.modify(
    [`dn: uid=lsnew,${PEOPLE}`, 'changetype: modrdn', 'newrdn: uid=lsrenamed', 'deleteoldrdn: 1', ''].join(
      '\n',
    ),
  );
  await liveSync();
  expect(await managedUsers('lsnew')).toEqual([]);
  const [user] = await managedUsers('lsrenamed');
  expect(user?._id).toBe(createdId);
});

it('deletes the managed user when its entry is deleted in LDAP', async () => {
  await env.slapd.modify([`dn: uid=lsrenamed,${PEOPLE}`, 'changetype: delete', ''].join('\n'));
  await liveSync();
  await env.t.admin('get', `/openidm/managed/user/${createdId}`).expect(404);
});

it('carries a managed edit to LDAP, and live sync does not bring it back as an update', async () => {
  const [bjensen] = await managedUsers('bjensen');
  const updated = await env.t
    .admin('patch', `/openidm/managed/user/${String(bjensen?._id)}`)
    .send([{ operation: 'replace', field: '/description', value: 'edited in Concord' }])
    .expect(200);
  expect(await env.slapd.search(PEOPLE, '(uid=bjensen)', ['description'])).toContain(
    'description: edited in Concord',
  );
  await liveSync();
  const [after] = await managedUsers('bjensen');
  expect(after?._rev).toBe(updated.body._rev);
});

it('writes an activity event per change it handled, as OpenIDM does: sync-create, sync-update, sync-delete', async () => {
  const res = await env.t
    .admin('get', '/openidm/audit/activity')
    .query({ _queryFilter: 'operation eq "ACTION" and message sw "sync-"', _sortKeys: 'timestamp' })
    .expect(200);
  const events = (res.body as { result: Record<string, unknown>[] }).result;

  // The last is Concord's own write of bjensen coming back (the sample filters no modifier): handled, and it
  // changed nothing in managed/user (the test before).
  expect(events.map((e) => [e.message, e.objectId, e.status])).toEqual([
    ['sync-create', 'sync', 'SUCCESS'],
    ['sync-update', 'sync', 'SUCCESS'],
    ['sync-delete', 'sync', 'SUCCESS'],
    ['sync-update', 'sync', 'SUCCESS'],
  ]);
  expect(events[0]).toMatchObject({ after: { uid: 'lsnew', mail: 'lsnew@example.com' } });
  expect(events[1]).toMatchObject({ after: { uid: 'lsrenamed' } });
  expect(events[2]).toMatchObject({ before: null, after: null });
  expect(events[3]).toMatchObject({ after: { uid: 'bjensen', description: 'edited in Concord' } });
});
