import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { SAMPLE_CONFIG } from '../../e2e/recon/recon-sample.fixture';

/** A run that was ACTIVE on this node when it stopped cannot be going on any more: it is FAILED after a restart. */
describe('recon: runs interrupted by a restart', () => {
  let t: TestConcord | undefined;

  afterAll(async () => {
    await t?.destroy();
  });

  it('marks the interrupted run FAILED and keeps it listed as history', async () => {
    const projectDir = tempProjectDir(SAMPLE_CONFIG);
    const env = { CONCORD_NODE_ID: 'restarting-node' };
    const first = await startConcord({ repo: 'postgres', projectDir, env });
    const schema = first.schema;
    const summary = {
      _id: 'crashed-1',
      mapping: 'systemLdapAccounts_managedUser',
      state: 'ACTIVE',
      stage: 'ACTIVE_RECONCILING_SOURCE',
    };
    await first.sql(
      `INSERT INTO recon_runs (id, mapping, node_id, state, heartbeat_at, summary)
       VALUES ('crashed-1', 'systemLdapAccounts_managedUser', $1, 'ACTIVE', now(), $2::jsonb)`,
      [env.CONCORD_NODE_ID, JSON.stringify(summary)],
    );
    await first.stop();
    t = await startConcord({
      repo: 'postgres',
      projectDir,
      env,
      ...(schema === undefined ? {} : { schema }),
    });
    const res = await t.admin('get', '/openidm/recon/crashed-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      _id: 'crashed-1',
      state: 'FAILED',
      stage: 'COMPLETED_FAILED',
      error: { message: 'Reconciliation was interrupted by a restart' },
    });
    const list = await t.admin('get', '/openidm/recon');
    expect(list.body.reconciliations.map((r: { _id: string }) => r._id)).toEqual(['crashed-1']);
  });
});
