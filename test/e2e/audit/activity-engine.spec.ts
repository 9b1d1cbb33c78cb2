/**
 * `audit/activity` of the sync engine's own managed writes, on the sample with real slapd and PostgreSQL: recon's
 * batched creates and a live-sync update each leave one event per object, attributed to the administrator who
 * started them.
 */
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

type Event = Record<string, unknown> & { _id: string; operation: string; objectId: string };

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
});
afterAll(async () => {
  await env?.destroy();
});

async function activity(filter: string): Promise<Event[]> {
  const res = await env.t.admin('get', '/openidm/audit/activity').query({ _queryFilter: filter });
  expect(res.status).toBe(200);
  return (res.body as { result: Event[] }).result;
}

async function userId(userName: string): Promise<string> {
  const res = await env.t.admin('get', `/openidm/managed/user?_queryFilter=userName+eq+"${userName}"`);
  const [user] = (res.body as { result: { _id: string }[] }).result;
  if (!user) throw new Error(`no managed user ${userName}`);
  return user._id;
}

it('records one CREATE per user a recon creates, by the user who ran the recon', async () => {
  await env.recon(LDAP_TO_MANAGED);
  const ids = [await userId('bjensen'), await userId('jdoe')];

  const creates = await activity('operation eq "CREATE"');

  expect(creates.map((e) => e.objectId).sort()).toEqual(ids.map((id) => `managed/user/${id}`).sort());
  for (const event of creates) {
    expect(event).toMatchObject({ userId: 'openidm-admin', status: 'SUCCESS', before: null });
  }
  expect(creates.find((e) => e.objectId === `managed/user/${ids[0]}`)?.after).toMatchObject({
    userName: 'bjensen',
  });
});

it('records the UPDATE a live sync makes from an LDAP edit', async () => {
  await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');
  await env.slapd.modify(
    `dn: uid=jdoe,${PEOPLE}\nchangetype: modify\nreplace: description\ndescription: Moved to Oslo\n`,
  );
  expect((await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync')).status).toBe(200);

  const id = await userId('jdoe');
  const updates = await activity(`operation eq "UPDATE" and objectId eq "managed/user/${id}"`);

  expect(updates).toHaveLength(1);
  expect(updates[0]).toMatchObject({
    userId: 'openidm-admin',
    changedFields: ['/description'],
    after: { description: 'Moved to Oslo' },
  });
});
