import {
  LDAP_TO_MANAGED,
  startReconTest,
  type RawMapping,
  type ReconTestEnv,
} from '../../e2e/recon/recon-sample.fixture';
import { factory } from '../../support/slapd.factory';

/** The entries of the sample directory (bjensen, jdoe) plus these. */
const SAMPLE_USERS = 2;

interface LinkRow {
  id: string;
  rev: string;
  first_id: string;
  second_id: string;
}

async function ldapIdOf(env: ReconTestEnv, uid: string): Promise<string> {
  const filter = encodeURIComponent(`uid eq "${uid}"`);
  const res = await env.t.admin('get', `/openidm/system/ldap/account?_queryFilter=${filter}`);
  return res.body.result[0]._id as string;
}

/** The batched write paths of recon (CREATE batches, read-many of linked targets) on real slapd and PostgreSQL. */
describe('recon batches: failures are attributed per entry', () => {
  const USERS = 8;
  let env: ReconTestEnv;

  beforeAll(async () => {
    const ldif = Array.from({ length: USERS }, (_, i) => factory.ldapEntry({ uid: `user${i}` })).join('');
    env = await startReconTest({ ldif: ldif + factory.ldapEntry({ uid: 'taken' }) });
    // Straight into the table: a managed user that owns the userName one LDAP entry will map to.
    await env.t.sql(
      `INSERT INTO managed_objects (object_type, id, rev, doc) VALUES ('user', 'owner-of-taken', 1, $1)`,
      [{ userName: 'taken', givenName: 'Ann', sn: 'Owner', mail: 'owner@example.com' }],
    );
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('a unique violation in a batch fails only its own entry; the others are created and linked', async () => {
    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    const total = USERS + SAMPLE_USERS + 1;
    // The managed owner of `taken` is no one's target: the target phase finds it UNASSIGNED (IGNORE, a SUCCESS).
    expect(summary['situationSummary']).toMatchObject({ ABSENT: total, UNASSIGNED: 1 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: total - 1 + 1, FAILURE: 1 });

    const failed = await env.t.admin(
      'get',
      `/openidm/recon/${run._id}/entries?_queryFilter=${encodeURIComponent('status eq "FAILURE"')}`,
    );
    expect(failed.body.result).toHaveLength(1);
    expect(failed.body.result[0]).toMatchObject({
      sourceObjectId: `system/ldap/account/${await ldapIdOf(env, 'taken')}`,
      situation: 'ABSENT',
      action: 'CREATE',
      message: expect.stringContaining('policy'),
    });

    const users = await env.t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM managed_objects WHERE object_type = 'user'`,
    );
    expect(Number(users[0]?.n)).toBe(total);
    const links = await env.t.sql<LinkRow>('SELECT * FROM links WHERE link_type = $1', [LDAP_TO_MANAGED]);
    expect(links).toHaveLength(total - 1);
    const user3 = await env.t.admin(
      'get',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName eq "user3"')}`,
    );
    expect(user3.body.result[0]).toMatchObject({ mail: 'user3@example.com', givenName: 'user3' });
    expect(links.map((l) => l.second_id)).toContain(user3.body.result[0]._id);
  });

  it('MISSING → CREATE makes a new managed user and re-points the existing link to it', async () => {
    const ldapId = await ldapIdOf(env, 'user5');
    const [before] = await env.t.sql<LinkRow>('SELECT * FROM links WHERE first_id = $1', [ldapId]);
    expect(before).toBeDefined();
    await env.t.sql(`DELETE FROM managed_objects WHERE object_type = 'user' AND id = $1`, [
      before?.second_id,
    ]);

    const run = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(run._id);
    expect(summary['situationSummary']).toMatchObject({ MISSING: 1 });

    const after = await env.t.sql<LinkRow>('SELECT * FROM links WHERE first_id = $1', [ldapId]);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before?.id);
    expect(after[0]?.second_id).not.toBe(before?.second_id);
    expect(Number(after[0]?.rev)).toBe(Number(before?.rev) + 1);
    const recreated = await env.t.admin('get', `/openidm/managed/user/${after[0]?.second_id}`);
    expect(recreated.status).toBe(200);
    expect(recreated.body.userName).toBe('user5');
  });
});

/**
 * A source larger than one chunk (RECON_CHUNK = 500): the batched run must report exactly what the
 * one-entry-at-a-time path reports. An onLink script (here a no-op) keeps a mapping on that path, so the
 * same mapping with and without it gives both figures.
 */
describe('recon batches: a run over several chunks', () => {
  const USERS = 1_100;
  let env: ReconTestEnv;
  const perEntry = `${LDAP_TO_MANAGED}_perEntry`;

  beforeAll(async () => {
    const ldif = Array.from({ length: USERS }, (_, i) => factory.ldapEntry({ uid: `bulk${i}` })).join('');
    env = await startReconTest({
      ldif,
      mappings: ([ldapToManaged, managedToLdap]): RawMapping[] => [
        ldapToManaged,
        managedToLdap,
        { ...ldapToManaged, name: perEntry, onLink: { type: 'text/javascript', source: 'null;' } },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await env?.destroy();
  });

  const counts = (summary: Record<string, unknown>) => ({
    situationSummary: summary['situationSummary'],
    statusSummary: summary['statusSummary'],
    progress: summary['progress'],
    state: summary['state'],
  });

  it('gives the same summary, managed users and links as the per-entry path', async () => {
    const total = USERS + SAMPLE_USERS;
    const batchedFirst = counts(await env.summary((await env.recon(LDAP_TO_MANAGED))._id));
    const batchedAgain = counts(await env.summary((await env.recon(LDAP_TO_MANAGED))._id));
    const unchanged = await env.t.sql<{ n: string }>(
      'SELECT count(*) AS n FROM managed_objects WHERE rev <> 1',
    );
    expect(Number(unchanged[0]?.n)).toBe(0);
    const batchedLinks = await env.t.sql<{ n: string }>('SELECT count(*) AS n FROM links');

    await env.t.sql('DELETE FROM links');
    await env.t.sql(`DELETE FROM managed_objects WHERE object_type = 'user'`);
    const perEntryFirst = counts(await env.summary((await env.recon(perEntry))._id));
    const perEntryAgain = counts(await env.summary((await env.recon(perEntry))._id));
    const perEntryLinks = await env.t.sql<{ n: string }>('SELECT count(*) AS n FROM links');

    expect(batchedFirst).toMatchObject({
      state: 'SUCCESS',
      situationSummary: expect.objectContaining({ ABSENT: total }),
      statusSummary: { SUCCESS: total, FAILURE: 0 },
    });
    expect(batchedAgain).toMatchObject({
      situationSummary: expect.objectContaining({ CONFIRMED: total, ABSENT: 0 }),
    });
    expect(batchedFirst).toEqual(perEntryFirst);
    expect(batchedAgain).toEqual(perEntryAgain);
    expect(Number(batchedLinks[0]?.n)).toBe(total);
    expect(perEntryLinks).toEqual(batchedLinks);
  }, 120_000);
});
