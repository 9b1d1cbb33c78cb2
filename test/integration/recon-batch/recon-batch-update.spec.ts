/**
 * Recon's batched UPDATEs (recon-batch-update.ts) on real slapd and PostgreSQL, with the sample's mappings: the
 * managed users whose LDAP entries changed are updated together, each with its activity event, and their implicit
 * sync back to LDAP is settled without a queued change; a user someone else changed during the run fails alone.
 */
import { ldapWrites, queuedChanges } from '../../support/sync-observers';
import { withSettings } from '../../support/process-env';
import { factory } from '../../support/slapd.factory';
import { REPO_KINDS } from '../sync-persistence/test-database';
import {
  LDAP_TO_MANAGED,
  MANAGED_TO_LDAP,
  startReconTest,
  type ReconTestEnv,
} from '../../e2e/recon/recon-sample.fixture';

/** The sample's bjensen and jdoe, plus these. */
const SAMPLE_USERS = 2;
const USERS = 10;
const EDITED = ['upd1', 'upd4', 'upd7'];
/** An edited user that gets a password (a private field) before the recon. */
const PATCHED = 'upd4';
const PASSWORD = 'Batch-Secret-1';

type Json = Record<string, unknown>;

const directory = (extra = ''): string =>
  Array.from({ length: USERS }, (_, i) => factory.ldapEntry({ uid: `upd${i}` })).join('') + extra;

const newMail = (uid: string): string => `${uid}@moved.example.com`;

async function editMail(env: ReconTestEnv, uids: readonly string[]): Promise<void> {
  for (const uid of uids) {
    await env.slapd.modify(
      `dn: ${factory.ldapEntryDn(uid)}\nchangetype: modify\nreplace: mail\nmail: ${newMail(uid)}\n`,
    );
  }
}

async function managedUser(
  env: ReconTestEnv,
  userName: string,
): Promise<Json & { _id: string; _rev: string }> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  const res = await env.t.admin('get', `/openidm/managed/user?_queryFilter=${filter}`).expect(200);
  const [user] = res.body.result as (Json & { _id: string; _rev: string })[];
  if (user === undefined) throw new Error(`no managed user ${userName}`);
  return user;
}

async function events(env: ReconTestEnv, topic: string, filter: string): Promise<Json[]> {
  const res = await env.t.admin('get', `/openidm/audit/${topic}`).query({ _queryFilter: filter }).expect(200);
  return res.body.result as Json[];
}

describe.each(REPO_KINDS)('recon batches: UPDATEs of the users whose entries changed, on %s', (repo) => {
  let env: ReconTestEnv;

  // No queue worker: a change recorded for implicit sync would stay visible in sync/queue.
  beforeAll(async () => {
    env = await withSettings({ CONCORD_SYNC_WORKER: 'false' }, () =>
      startReconTest({ ldif: directory(), repo }),
    );
    await env.recon(LDAP_TO_MANAGED);
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('updates exactly the edited users, once each, keeps their private fields, and writes nothing back', async () => {
    const withPassword = await managedUser(env, PATCHED);
    await env.t
      .admin('patch', `/openidm/managed/user/${withPassword._id}`)
      .send([{ operation: 'replace', field: '/password', value: PASSWORD }])
      .expect(200);
    await editMail(env, EDITED);
    const revs = new Map<string, string>();
    for (let i = 0; i < USERS; i++) revs.set(`upd${i}`, (await managedUser(env, `upd${i}`))._rev);
    const writesBefore = await ldapWrites(env.slapd);

    const run = await env.recon(LDAP_TO_MANAGED);

    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: USERS + SAMPLE_USERS });
    expect(summary['statusSummary']).toEqual({ SUCCESS: USERS + SAMPLE_USERS, FAILURE: 0 });
    for (let i = 0; i < USERS; i++) {
      const uid = `upd${i}`;
      const user = await managedUser(env, uid);
      const edited = EDITED.includes(uid);
      expect(user['mail']).toBe(edited ? newMail(uid) : `${uid}@example.com`);
      expect(Number(user._rev)).toBe(Number(revs.get(uid)) + (edited ? 1 : 0));
    }
    // The password, a private field the mapping never sees, survived the batched UPDATE: upd4 still logs in.
    const self = await env.t
      .call('get', `/openidm/managed/user/${withPassword._id}`)
      .set({ 'X-OpenIDM-Username': PATCHED, 'X-OpenIDM-Password': PASSWORD })
      .expect(200);
    expect(self.body['mail']).toBe(newMail(PATCHED));
    // The reverse mapping of each updated user maps what its entry holds: settled, nothing queued or written.
    expect(await queuedChanges(env.t)).toBe(0);
    expect(await ldapWrites(env.slapd)).toEqual(writesBefore);
  });

  it('leaves one activity UPDATE and one settled audit/sync event per updated user', async () => {
    for (const uid of EDITED) {
      const user = await managedUser(env, uid);
      const updates = await events(
        env,
        'activity',
        `operation eq "UPDATE" and objectId eq "managed/user/${user._id}"`,
      );
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({
        userId: 'openidm-admin',
        changedFields: ['/mail'],
        after: { mail: newMail(uid) },
        before: { mail: `${uid}@example.com` },
      });
      const syncs = await events(
        env,
        'sync',
        `mapping eq "${MANAGED_TO_LDAP}" and sourceObjectId eq "managed/user/${user._id}"`,
      );
      // One from the create of the first recon, one from this update (and for PATCHED one from its PATCH).
      expect(syncs).toHaveLength(uid === PATCHED ? 3 : 2);
      for (const sync of syncs)
        expect(sync).toMatchObject({ situation: 'CONFIRMED', action: 'UPDATE', status: 'SUCCESS' });
    }
  });
});

/**
 * An onUpdate script that changes the managed user `racer` behind the run's back (a PATCH through `openidm`)
 * moves its revision after the chunk read it: the batch's guarded UPDATE finds it changed, so the batch is
 * rolled back and its entries are written one by one, which fails `racer` alone.
 */
describe('recon batches: an UPDATE whose target changed since it was read', () => {
  const RACE = `if (source.uid === 'racer') {
    openidm.patch('managed/user/' + target._id, null, [{ operation: 'replace', field: '/description', value: 'raced' }]);
  }
  target;`;
  let env: ReconTestEnv;

  beforeAll(async () => {
    env = await startReconTest({
      ldif: directory(factory.ldapEntry({ uid: 'racer' })),
      mappings: ([inbound, outbound]) => [
        { ...inbound, onUpdate: { type: 'text/javascript', source: RACE } },
        outbound,
      ],
    });
    await env.recon(LDAP_TO_MANAGED);
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('fails only that entry; the other users of the batch are updated', async () => {
    await editMail(env, [...EDITED, 'racer']);
    const racer = await managedUser(env, 'racer');

    const run = await env.recon(LDAP_TO_MANAGED);

    const summary = await env.summary(run._id);
    const total = USERS + SAMPLE_USERS + 1;
    expect(summary['statusSummary']).toEqual({ SUCCESS: total - 1, FAILURE: 1 });
    const failed = await env.t
      .admin('get', `/openidm/recon/${run._id}/entries`)
      .query({ _queryFilter: 'status eq "FAILURE"' })
      .expect(200);
    expect(failed.body.result).toHaveLength(1);
    expect(failed.body.result[0]).toMatchObject({
      targetObjectId: `managed/user/${racer._id}`,
      situation: 'CONFIRMED',
      action: 'UPDATE',
      message: expect.stringContaining('revision'),
    });
    for (const uid of EDITED) expect((await managedUser(env, uid))['mail']).toBe(newMail(uid));
    const raced = await managedUser(env, 'racer');
    expect(raced).toMatchObject({ mail: 'racer@example.com', description: 'raced' });
  });
});
