/**
 * OpenIDM's pending LINK and UNLINK (§5.4) on the sample, with live sync as the engine write: a user live sync
 * creates from a new LDAP entry is linked before the reverse mapping's implicit sync runs, which therefore finds
 * it CONFIRMED and provisions no duplicate; a user live sync deletes is unlinked first, so the reverse mapping
 * finds ALL_GONE. Both implicit syncs run within the live-sync call itself, so the test needs no waiting.
 */
import { factory } from '../../support/slapd.factory';
import { ldapWrites, queuedChanges } from '../../support/sync-observers';
import {
  LDAP_TO_MANAGED,
  MANAGED_TO_LDAP,
  startReconTest,
  type ReconTestEnv,
} from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
  await env.recon(LDAP_TO_MANAGED);
  // The first live sync only records the latest token (§5.2).
  await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync').expect(200);
});
afterAll(async () => {
  await env?.destroy();
});

async function reverseEvents(userId: string): Promise<Record<string, unknown>[]> {
  const filter = `mapping eq "${MANAGED_TO_LDAP}" and sourceObjectId eq "managed/user/${userId}"`;
  const res = await env.t
    .admin('get', `/openidm/audit/sync?_queryFilter=${encodeURIComponent(filter)}`)
    .expect(200);
  return res.body.result as Record<string, unknown>[];
}

async function managedByUserName(userName: string): Promise<Record<string, unknown>[]> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  return (await env.t.admin('get', `/openidm/managed/user?_queryFilter=${filter}`).expect(200)).body
    .result as Record<string, unknown>[];
}

it('a user created by live sync is CONFIRMED on the reverse mapping before the call returns, with no write back', async () => {
  await env.slapd.add(factory.ldapEntry({ uid: 'lsnew', description: 'From LDAP' }));
  const writesBefore = await ldapWrites(env.slapd);

  await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync').expect(200);

  const [user] = await managedByUserName('lsnew');
  expect(user).toMatchObject({ userName: 'lsnew', description: 'From LDAP' });
  const events = await reverseEvents(String(user?._id));
  expect(events).toEqual([
    expect.objectContaining({ situation: 'CONFIRMED', action: 'UPDATE', status: 'SUCCESS' }),
  ]);
  expect(await queuedChanges(env.t)).toBe(0);
  expect(await ldapWrites(env.slapd)).toEqual(writesBefore);
  const entries = await env.slapd.search(PEOPLE, '(uid=lsnew)', ['uid']);
  expect(entries.split('dn: ').length - 1).toBe(1);
});

it('a user deleted by live sync is unlinked first: the reverse mapping finds ALL_GONE and deletes nothing more', async () => {
  const [user] = await managedByUserName('lsnew');
  await env.slapd.modify(`dn: uid=lsnew,${PEOPLE}\nchangetype: delete\n`);
  const writesBefore = await ldapWrites(env.slapd);

  await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync').expect(200);

  expect(await managedByUserName('lsnew')).toEqual([]);
  const events = await reverseEvents(String(user?._id));
  expect(events).toContainEqual(expect.objectContaining({ situation: 'ALL_GONE', status: 'SUCCESS' }));
  expect(await queuedChanges(env.t)).toBe(0);
  expect(await ldapWrites(env.slapd)).toEqual(writesBefore);
});
