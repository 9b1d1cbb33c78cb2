/**
 * Reconciliation on GET /metrics, through the sample on real slapd and PostgreSQL: after a run that succeeds and
 * one that fails (slapd stopped), per mapping, whether the latest run succeeded, how long it took and when one
 * last succeeded.
 */
import { scrapeMetrics } from '../../support/metrics-scrape';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from './recon-sample.fixture';

let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
});

afterAll(async () => {
  await env?.destroy();
});

const MAPPING = `mapping="${LDAP_TO_MANAGED}"`;
const series = (name: string) => `${name}{${MAPPING}}`;

it('shows the latest run of a mapping and when one last succeeded', async () => {
  const before = await scrapeMetrics(env.t);
  expect(before.has(series('concord_recon_last_run_success'))).toBe(false);

  const started = Date.now() / 1000;
  expect((await env.recon(LDAP_TO_MANAGED)).state).toBe('SUCCESS');
  const succeeded = await scrapeMetrics(env.t);
  expect(succeeded.get(series('concord_recon_last_run_success'))).toBe(1);
  expect(succeeded.get(series('concord_recon_active_runs'))).toBe(0);
  expect(succeeded.get(series('concord_recon_last_run_duration_seconds'))).toBeGreaterThanOrEqual(0);
  const lastSuccess = succeeded.get(series('concord_recon_last_success_timestamp_seconds')) ?? 0;
  expect(lastSuccess).toBeGreaterThanOrEqual(Math.floor(started));
  expect(lastSuccess).toBeLessThanOrEqual(Date.now() / 1000);

  await env.slapd.stop();
  try {
    const failed = await env.t
      .admin('post', `/openidm/recon?_action=recon&mapping=${LDAP_TO_MANAGED}&waitForCompletion=true`)
      .send({});
    // With waitForCompletion a run that fails answers 409, naming it.
    expect(failed.status).toBe(409);
    expect((await env.summary(String(failed.body.detail.reconId))).state).toBe('FAILED');
  } finally {
    await env.slapd.restart();
  }
  const afterFailure = await scrapeMetrics(env.t);
  expect(afterFailure.get(series('concord_recon_last_run_success'))).toBe(0);
  expect(afterFailure.get(series('concord_recon_last_success_timestamp_seconds'))).toBe(lastSuccess);
});

it('reads the runs from the embedded repository too', async () => {
  const embedded = await startReconTest({ repo: 'embedded' });
  try {
    await embedded.recon(LDAP_TO_MANAGED);
    const samples = await scrapeMetrics(embedded.t);
    expect(samples.get(series('concord_recon_last_run_success'))).toBe(1);
    expect(samples.get(series('concord_recon_active_runs'))).toBe(0);
  } finally {
    await embedded.destroy();
  }
});
