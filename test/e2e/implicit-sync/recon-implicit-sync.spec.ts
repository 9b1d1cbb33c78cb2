/**
 * Recon's own writes trigger implicit sync (§5.1), through the sample's mappings on real slapd and PostgreSQL.
 * A user recon creates from LDAP is linked at once, so the reverse mapping (managedUser_systemLdapAccounts)
 * is CONFIRMED (§5.4); when its UPDATE would write what the entry already holds, the implicit sync is settled
 * without a queued change and without touching LDAP. When the reverse mapping would change the entry, the
 * change is queued in the batch's transaction and delivered.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { withSettings } from '../../support/process-env';
import { factory } from '../../support/slapd.factory';
import { ldapWrites, queuedChanges } from '../../support/sync-observers';
import {
  LDAP_TO_MANAGED,
  MANAGED_TO_LDAP,
  startReconTest,
  type ReconTestEnv,
} from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
/** The sample's bjensen and jdoe, plus these. */
const SAMPLE_USERS = 2;
const USERS = 12;

/** Some entries with the optional attributes the reverse mapping writes under a condition, some without. */
const directory = Array.from({ length: USERS }, (_, i) =>
  factory.ldapEntry({
    uid: `echo${i}`,
    ...(i % 2 === 0 ? { description: `Employee ${i}` } : {}),
    ...(i % 3 === 0 ? { telephoneNumber: `+1 555 01${String(i).padStart(2, '0')}` } : {}),
  }),
).join('');

const syncEvents = async (env: ReconTestEnv): Promise<Record<string, unknown>[]> =>
  (
    await env.t
      .admin(
        'get',
        `/openidm/audit/sync?_queryFilter=${encodeURIComponent(`mapping eq "${MANAGED_TO_LDAP}"`)}`,
      )
      .expect(200)
  ).body.result as Record<string, unknown>[];

describe('recon LDAP → managed with the sample mappings', () => {
  let env: ReconTestEnv;

  // No queue worker: a change recorded for implicit sync would stay visible in sync/queue.
  beforeAll(async () => {
    env = await withSettings({ CONCORD_SYNC_WORKER: 'false' }, () => startReconTest({ ldif: directory }));
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('creates and links every user, queues nothing and writes nothing back to LDAP', async () => {
    const entriesBefore = await env.slapd.search(PEOPLE, '(uid=*)', ['entryCSN', 'modifyTimestamp']);
    const writesBefore = await ldapWrites(env.slapd);

    const run = await env.recon(LDAP_TO_MANAGED);
    expect(run.state).toBe('SUCCESS');
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ ABSENT: USERS + SAMPLE_USERS });

    const users = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_fields=userName');
    expect(users.body.resultCount).toBe(USERS + SAMPLE_USERS);
    expect(await queuedChanges(env.t)).toBe(0);
    expect(await ldapWrites(env.slapd)).toEqual(writesBefore);
    expect(await env.slapd.search(PEOPLE, '(uid=*)', ['entryCSN', 'modifyTimestamp'])).toBe(entriesBefore);
  });

  it('writes the audit/sync event of each implicit sync: CONFIRMED, UPDATE, from the managed user to its entry', async () => {
    const events = await syncEvents(env);
    expect(events).toHaveLength(USERS + SAMPLE_USERS);
    const users = (await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_fields=_id')).body
      .result as { _id: string }[];
    expect(new Set(events.map((event) => event['sourceObjectId']))).toEqual(
      new Set(users.map((user) => `managed/user/${user._id}`)),
    );
    for (const event of events) {
      expect(event).toMatchObject({ situation: 'CONFIRMED', action: 'UPDATE', status: 'SUCCESS' });
      expect(event['targetObjectId']).toMatch(/^system\/ldap\/account\/.+/);
    }
  });

  it('a second recon finds every user CONFIRMED and still leaves LDAP and the queue alone', async () => {
    const writesBefore = await ldapWrites(env.slapd);
    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: USERS + SAMPLE_USERS });
    expect(await queuedChanges(env.t)).toBe(0);
    expect(await ldapWrites(env.slapd)).toEqual(writesBefore);
  });
});

describe('recon LDAP → managed when the reverse mapping would change the entry', () => {
  const STAMP = 'Kept by Concord';
  let env: ReconTestEnv;

  // The reverse mapping fills an empty description: entries without one differ, the others do not.
  beforeAll(async () => {
    env = await startReconTest({
      ldif: directory,
      mappings: ([inbound, outbound]) => {
        outbound['properties'] = (outbound['properties'] as Record<string, unknown>[]).map((property) =>
          property['target'] === 'description'
            ? {
                source: 'description',
                target: 'description',
                transform: { type: 'text/javascript', source: `source || '${STAMP}'` },
              }
            : property,
        );
        return [inbound, outbound];
      },
    });
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('delivers the difference to exactly the entries that differ, after the recon', async () => {
    const writesBefore = await ldapWrites(env.slapd);
    const run = await env.recon(LDAP_TO_MANAGED);
    expect(run.state).toBe('SUCCESS');

    const withoutDescription = Array.from({ length: USERS }, (_, i) => i)
      .filter((i) => i % 2 === 1)
      .map((i) => `echo${i}`);
    await eventually(
      'the queued implicit syncs to reach LDAP',
      async () =>
        (await env.slapd.search(PEOPLE, `(description=${STAMP})`, ['uid'])).split('uid: ').length - 1 ===
        withoutDescription.length,
      30_000,
    );
    await eventually('the queue to drain', async () => (await queuedChanges(env.t)) === 0, 30_000);

    const stamped = await env.slapd.search(PEOPLE, `(description=${STAMP})`, ['uid']);
    for (const uid of withoutDescription) expect(stamped).toContain(`uid: ${uid}\n`);
    const written = (await ldapWrites(env.slapd)).filter((write) => !writesBefore.includes(write));
    // One modify per entry that lacked a description; none for the entries that had one (bjensen, jdoe too).
    expect(written.every((write) => write.includes('reqType: modify'))).toBe(true);
    expect(written).toHaveLength(withoutDescription.length);
    const kept = await env.slapd.search(PEOPLE, '(description=Employee*)', ['uid']);
    expect(kept.split('uid: ').length - 1).toBe(USERS / 2);
  });
});
