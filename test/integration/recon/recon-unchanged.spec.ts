import {
  LDAP_TO_MANAGED,
  startReconTest,
  type RawMapping,
  type ReconTestEnv,
} from '../../e2e/recon/recon-sample.fixture';
import { BASE_DN } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';

const USERS = 6;
/** The sample directory's bjensen and jdoe, plus USERS more. */
const TOTAL = USERS + 2;

async function managedByUserName(env: ReconTestEnv, userName: string): Promise<Record<string, unknown>> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  const res = await env.t.admin('get', `/openidm/managed/user?_queryFilter=${filter}`);
  return res.body.result[0] as Record<string, unknown>;
}

async function changedEntries(env: ReconTestEnv, reconId: string): Promise<Record<string, unknown>[]> {
  const filter = encodeURIComponent('situation eq "CONFIRMED"');
  const res = await env.t.admin('get', `/openidm/recon/${reconId}/entries?_queryFilter=${filter}`);
  return (res.body.result as Record<string, unknown>[]).filter(
    (entry) => Array.isArray(entry['diff']) && (entry['diff'] as unknown[]).length > 0,
  );
}

/** The sample with `count` more entries (`<uid>0`, …) and no implicit sync: managed edits stay managed edits. */
function withoutImplicitSync(
  repo: 'postgres' | 'embedded',
  uid: string,
  count: number,
): Promise<ReconTestEnv> {
  return startReconTest({
    repo,
    ldif: Array.from({ length: count }, (_, i) => factory.ldapEntry({ uid: `${uid}${i}` })).join(''),
    mappings: ([ldapToManaged, managedToLdap]): RawMapping[] => [
      ldapToManaged,
      { ...managedToLdap, enableSync: false },
    ],
  });
}

function targetReads(summary: Record<string, unknown>): number {
  const durations = summary['durationSummary'] as Record<string, { count: number }> | undefined;
  return durations?.['targetObjectQuery']?.count ?? 0;
}

/**
 * A recon of a mapping made of plain property copies skips the entries nothing touched since they last agreed
 * (core/sync/unchanged-stamp.ts) — and still sees every change: in the directory, in the managed object, or
 * a managed object deleted and created again under its id. Implicit sync is off here (the managed → LDAP
 * mapping has enableSync false), so a managed edit stays a managed edit for the next recon to undo.
 */
describe.each(['postgres', 'embedded'] as const)(
  'recon on %s: entries nothing touched since they last agreed',
  (repo) => {
    let env: ReconTestEnv;

    beforeAll(async () => {
      env = await withoutImplicitSync(repo, 'calm', USERS);
      const first = await env.recon(LDAP_TO_MANAGED);
      expect((await env.summary(first._id))['situationSummary']).toMatchObject({ ABSENT: TOTAL });
    }, 60_000);
    afterAll(async () => {
      await env?.destroy();
    });

    it('a second recon finds every entry CONFIRMED without reading a single target', async () => {
      const run = await env.recon(LDAP_TO_MANAGED);
      const summary = await env.summary(run._id);
      expect(summary['situationSummary']).toMatchObject({ CONFIRMED: TOTAL, ABSENT: 0 });
      expect(summary['statusSummary']).toEqual({ SUCCESS: TOTAL, FAILURE: 0 });
      expect(targetReads(summary)).toBe(0);
      const entries = await env.t.admin('get', `/openidm/recon/${run._id}/entries?_queryFilter=true`);
      expect(entries.body.result).toHaveLength(TOTAL);
      expect(entries.body.result[0]).toMatchObject({
        situation: 'CONFIRMED',
        action: 'UPDATE',
        status: 'SUCCESS',
      });
    });

    it('an entry changed in the directory is mapped again and updates its managed user', async () => {
      await env.slapd.modify(
        `dn: uid=calm1,ou=People,${BASE_DN}\nchangetype: modify\nreplace: mail\nmail: calm1.moved@example.com\n`,
      );
      const run = await env.recon(LDAP_TO_MANAGED);
      expect(await managedByUserName(env, 'calm1')).toMatchObject({ mail: 'calm1.moved@example.com' });
      const changed = await changedEntries(env, run._id);
      expect(changed).toHaveLength(1);
      expect(changed[0]?.['diff']).toEqual([
        { field: '/mail', before: 'calm1@example.com', after: 'calm1.moved@example.com' },
      ]);
      // The next recon reads that one target, finds it in agreement and stamps its link; the one after reads none.
      const again = await env.summary((await env.recon(LDAP_TO_MANAGED))._id);
      expect(again['situationSummary']).toMatchObject({ CONFIRMED: TOTAL });
      expect(targetReads(again)).toBe(1);
      const third = await env.summary((await env.recon(LDAP_TO_MANAGED))._id);
      expect(third['situationSummary']).toMatchObject({ CONFIRMED: TOTAL });
      expect(targetReads(third)).toBe(0);
    });

    it('a managed user edited on its own is put back to what the directory says', async () => {
      const user = await managedByUserName(env, 'calm2');
      const put = await env.t
        .admin('put', `/openidm/managed/user/${String(user['_id'])}`)
        .set('If-Match', String(user['_rev']))
        .send({ ...user, mail: 'edited@example.com' });
      expect(put.status).toBe(200);
      const run = await env.recon(LDAP_TO_MANAGED);
      expect(await managedByUserName(env, 'calm2')).toMatchObject({ mail: 'calm2@example.com' });
      expect(await changedEntries(env, run._id)).toHaveLength(1);
    });

    it('a managed user deleted and created again under its id, at the same revision, is mapped again', async () => {
      const user = await managedByUserName(env, 'calm3');
      const id = String(user['_id']);
      expect(user['_rev']).toBe('1');
      expect((await env.t.admin('delete', `/openidm/managed/user/${id}`)).status).toBe(200);
      const { _id: _ignored, _rev: _old, ...fields } = user;
      const created = await env.t
        .admin('put', `/openidm/managed/user/${id}`)
        .set('If-None-Match', '*')
        .send({ ...fields, sn: 'Impostor' });
      expect(created.status).toBe(201);
      expect(created.body._rev).toBe('1');
      await env.recon(LDAP_TO_MANAGED);
      expect(await managedByUserName(env, 'calm3')).toMatchObject({ _id: id, sn: 'Tester' });
    });

    it('a dry run skips as a real run does and plans the changes it finds', async () => {
      await env.slapd.modify(
        `dn: uid=calm4,ou=People,${BASE_DN}\nchangetype: modify\nreplace: sn\nsn: Planned\n`,
      );
      const run = await env.recon(LDAP_TO_MANAGED, '&analyze=true');
      const summary = await env.summary(run._id);
      expect(summary['situationSummary']).toMatchObject({ CONFIRMED: TOTAL });
      const planned = await changedEntries(env, run._id);
      expect(planned).toHaveLength(1);
      expect(planned[0]?.['diff']).toEqual([{ field: '/sn', before: 'Tester', after: 'Planned' }]);
      expect(await managedByUserName(env, 'calm4')).toMatchObject({ sn: 'Tester' });
    });

    // The light pass is opened while the links are read (recon.runner.ts, lightSourceAhead): a directory that
    // does not answer then must fail the run as a failed source query does, and leave the next run whole.
    it('a directory that does not answer fails the run and changes nothing; the next run finds it all', async () => {
      // Settles what earlier tests left (a dry run's planned change: one run updates it, the next stamps its link),
      // so that the last run has nothing to read.
      await env.recon(LDAP_TO_MANAGED);
      await env.recon(LDAP_TO_MANAGED);
      const before = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
      await env.slapd.stop();
      try {
        const failed = await env.t.admin(
          'post',
          `/openidm/recon?_action=recon&mapping=${LDAP_TO_MANAGED}&waitForCompletion=true`,
        );
        // waitForCompletion answers a failed run with 409, its id in the detail.
        expect(failed.status).toBe(409);
        expect(failed.body.message).toMatch(/unavailable/);
        const summary = await env.summary(String(failed.body.detail.reconId));
        expect(summary).toMatchObject({ state: 'FAILED', stage: 'COMPLETED_FAILED' });
      } finally {
        await env.slapd.restart();
      }
      const after = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
      expect(after.body.result).toEqual(before.body.result);
      const again = await env.summary((await env.recon(LDAP_TO_MANAGED))._id);
      expect(again['situationSummary']).toMatchObject({ CONFIRMED: TOTAL, ABSENT: 0 });
      expect(targetReads(again)).toBe(0);
    });
  },
);

/**
 * The shortcut must conclude what the full path concludes: the same entries, summary and audit trail, whether
 * an entry was settled from its stamp or read, mapped and compared.
 */
describe('recon: an entry settled from its stamp reads as one reconciled in full', () => {
  let env: ReconTestEnv;

  beforeAll(async () => {
    const ldif = Array.from({ length: 4 }, (_, i) => factory.ldapEntry({ uid: `same${i}` })).join('');
    env = await startReconTest({ ldif });
    await env.recon(LDAP_TO_MANAGED);
  }, 60_000);
  afterAll(async () => {
    await env?.destroy();
  });

  /** A run's entries and summary without what differs from run to run (ids, times, durations). */
  async function runAsRead(): Promise<{ entries: unknown[]; summary: unknown; targetReads: number }> {
    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    const res = await env.t.admin('get', `/openidm/recon/${run._id}/entries?_queryFilter=true`);
    const varying = new Set(['_id', 'timestamp', 'reconId', 'transactionId', 'eventId']);
    const entries = (res.body.result as Record<string, unknown>[])
      .map((entry) => Object.fromEntries(Object.entries(entry).filter(([key]) => !varying.has(key))))
      .sort((a, b) => String(a['sourceObjectId']).localeCompare(String(b['sourceObjectId'])));
    return {
      entries,
      summary: [summary['situationSummary'], summary['statusSummary'], summary['progress']],
      targetReads: targetReads(summary),
    };
  }

  it('gives the same entries, situations and progress either way', async () => {
    // Without stamps the run reads every target, maps and compares (and stamps the links as it goes).
    await env.t.sql('UPDATE links SET stamp = NULL');
    const full = await runAsRead();
    const settled = await runAsRead();
    expect(full.targetReads).toBe(1);
    expect(settled.targetReads).toBe(0);
    expect(settled.entries).toHaveLength(6);
    expect(settled.entries).toEqual(full.entries);
    expect(settled.summary).toEqual(full.summary);
  });

  it('with every stamp stale (the mapping was edited) reads whole entries and concludes the same', async () => {
    const settled = await runAsRead();
    await env.t.sql("UPDATE links SET stamp = 'stale'");
    const stale = await runAsRead();
    expect(stale.targetReads).toBe(1);
    expect(stale.entries).toEqual(settled.entries);
    expect(stale.summary).toEqual(settled.summary);
    // The run stamped the links anew.
    expect((await runAsRead()).targetReads).toBe(0);
  });
});

/**
 * On PostgreSQL a recon with stamps reads the links joined with the targets' versions (linked-targets.ts), and
 * the embedded repository reads them apart: the target phase must find the same targets either way — one no
 * link points at, one whose source is gone — and a link whose target is gone must be seen as such.
 */
describe.each(['postgres', 'embedded'] as const)(
  'recon on %s: the target phase after a stamped run',
  (repo) => {
    let env: ReconTestEnv;

    beforeAll(async () => {
      env = await withoutImplicitSync(repo, 'tp', 4);
      await env.recon(LDAP_TO_MANAGED);
      // Stamped: the next run reads no target.
      expect(targetReads(await env.summary((await env.recon(LDAP_TO_MANAGED))._id))).toBe(0);
    }, 60_000);
    afterAll(async () => {
      await env?.destroy();
    });

    it('finds an unlinked target, a target whose source is gone, and a source whose target is gone', async () => {
      const stray = await env.t
        .admin('post', '/openidm/managed/user?_action=create')
        .send({ userName: 'stray', givenName: 'Stray', sn: 'Target', mail: 'stray@example.com' });
      expect(stray.status).toBe(201);
      await env.slapd.modify(`dn: uid=tp1,ou=People,${BASE_DN}\nchangetype: delete\n`);
      const orphan = await managedByUserName(env, 'tp1');
      const gone = await managedByUserName(env, 'tp2');
      expect((await env.t.admin('delete', `/openidm/managed/user/${String(gone['_id'])}`)).status).toBe(200);

      const run = await env.recon(LDAP_TO_MANAGED);
      const summary = await env.summary(run._id);
      expect(summary['situationSummary']).toMatchObject({
        CONFIRMED: 4,
        MISSING: 1,
        SOURCE_MISSING: 1,
        UNASSIGNED: 1,
        ABSENT: 0,
      });
      // The targets when the run began: the six linked users less the one deleted, and the stray one.
      expect(summary['progress']).toMatchObject({ target: { existing: { total: '6' } } });
      const filter = encodeURIComponent('phase eq "target"');
      const entries = await env.t.admin('get', `/openidm/recon/${run._id}/entries?_queryFilter=${filter}`);
      const byTarget = Object.fromEntries(
        (entries.body.result as Record<string, unknown>[]).map((entry) => [
          String(entry['targetObjectId']),
          `${String(entry['situation'])} in the ${String(entry['phase'])} phase`,
        ]),
      );
      expect(byTarget).toEqual({
        [`managed/user/${String(stray.body._id)}`]: 'UNASSIGNED in the target phase',
        [`managed/user/${String(orphan['_id'])}`]: 'SOURCE_MISSING in the target phase',
      });
      // SOURCE_MISSING deletes; MISSING creates the user again from its entry.
      expect((await env.t.admin('get', `/openidm/managed/user/${String(orphan['_id'])}`)).status).toBe(404);
      expect(await managedByUserName(env, 'tp2')).toMatchObject({ sn: 'Tester' });

      const next = await env.summary((await env.recon(LDAP_TO_MANAGED))._id);
      expect(next['situationSummary']).toMatchObject({ CONFIRMED: 5, UNASSIGNED: 1, MISSING: 0 });
    });
  },
);
