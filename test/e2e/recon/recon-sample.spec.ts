import { dumpDirectory } from '../system/system.fixture';
import { LDAP_TO_MANAGED, MANAGED_TO_LDAP, startReconTest, type ReconTestEnv } from './recon-sample.fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The PingIDM sync-with-ldap-bidirectional walkthrough (§10), over HTTP, with the sample's config as shipped. */
describe('sample sync-with-ldap-bidirectional: recon over HTTP', () => {
  let env: ReconTestEnv;

  beforeAll(async () => {
    env = await startReconTest();
  });
  afterAll(async () => {
    await env?.destroy();
  });

  it('creates bjensen and jdoe in managed/user with random ids and links them (2 ABSENT → CREATE)', async () => {
    const started = await env.recon(LDAP_TO_MANAGED);
    expect(started.state).toBe('SUCCESS');
    const summary = await env.summary(started._id);
    expect(summary).toMatchObject({
      _id: started._id,
      mapping: LDAP_TO_MANAGED,
      state: 'SUCCESS',
      stage: 'COMPLETED_SUCCESS',
      stageDescription: 'reconciliation completed.',
      situationSummary: {
        CONFIRMED: 0,
        FOUND: 0,
        ABSENT: 2,
        AMBIGUOUS: 0,
        MISSING: 0,
        UNQUALIFIED: 0,
        UNASSIGNED: 0,
        SOURCE_MISSING: 0,
        SOURCE_IGNORED: 0,
        TARGET_IGNORED: 0,
        FOUND_ALREADY_LINKED: 0,
      },
      statusSummary: { SUCCESS: 2, FAILURE: 0 },
      progress: {
        source: { existing: { processed: 2, total: '2' } },
        target: { existing: { processed: 0, total: '0' }, created: 2 },
        links: { existing: { processed: 0, total: '0' }, created: 2 },
      },
    });
    expect(Object.keys(summary['situationSummary'] as object)).toHaveLength(11);
    const users = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
    expect(users.body.result.map((u: { userName: string }) => u.userName)).toEqual(['bjensen', 'jdoe']);
    const bjensen = users.body.result[0];
    expect(bjensen._id).toMatch(UUID);
    expect(bjensen).toMatchObject({
      displayName: 'Barbara Jensen',
      givenName: 'Barbara',
      sn: 'Jensen',
      mail: 'bjensen@example.com',
      telephoneNumber: '1-360-229-7105',
      description: 'Created for OpenIDM',
    });
    const links = await env.t.sql<{ link_type: string; second_id: string }>(
      'SELECT link_type, second_id FROM links ORDER BY second_id',
    );
    expect(links).toHaveLength(2);
    expect(links.map((l) => l.second_id).sort()).toEqual(
      users.body.result.map((u: { _id: string }) => u._id).sort(),
    );
  });

  it('a second recon finds both CONFIRMED and writes nothing', async () => {
    const before = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
    const started = await env.recon(LDAP_TO_MANAGED);
    const summary = await env.summary(started._id);
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: 2, ABSENT: 0 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: 2, FAILURE: 0 });
    const after = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true&_sortKeys=userName');
    expect(after.body.result.map((u: { _rev: string }) => u._rev)).toEqual(
      before.body.result.map((u: { _rev: string }) => u._rev),
    );
  });

  it('the reverse mapping sees the shared links: CONFIRMED, nothing written to LDAP', async () => {
    const before = await dumpDirectory(env.slapd);
    const started = await env.recon(MANAGED_TO_LDAP);
    const summary = await env.summary(started._id);
    expect(summary['state']).toBe('SUCCESS');
    expect(summary['situationSummary']).toMatchObject({ CONFIRMED: 2, ABSENT: 0, UNASSIGNED: 0 });
    expect(summary['statusSummary']).toEqual({ SUCCESS: 2, FAILURE: 0 });
    expect(await dumpDirectory(env.slapd)).toEqual(before);
  });

  it('lists runs oldest first and audits each entry with qualified ids', async () => {
    const list = await env.t.admin('get', '/openidm/recon');
    const runs = list.body.reconciliations as { mapping: string }[];
    expect(runs.map((r) => r.mapping)).toEqual([LDAP_TO_MANAGED, LDAP_TO_MANAGED, MANAGED_TO_LDAP]);
    const first = (list.body.reconciliations as { _id: string }[])[0]?._id ?? '';
    const audit = await env.t.admin(
      'get',
      `/openidm/audit/recon?_queryFilter=${encodeURIComponent(`reconId eq "${first}" and entryType eq "entry"`)}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.result).toHaveLength(2);
    for (const event of audit.body.result) {
      expect(event).toMatchObject({
        situation: 'ABSENT',
        action: 'CREATE',
        status: 'SUCCESS',
        reconciling: 'source',
      });
      expect(event.sourceObjectId).toMatch(/^system\/ldap\/account\//);
      expect(event.targetObjectId).toMatch(/^managed\/user\//);
    }
  });
});
