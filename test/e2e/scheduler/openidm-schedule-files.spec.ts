/**
 * An OpenIDM project's schedule files load unchanged: the sample's `schedule-recon.json` (cron
 * `30 0/1 * * * ?`, disabled, as shipped) and IDM 7.3's `simple` variant, which fires a recon of the sample
 * mapping that appears in `GET /openidm/recon` — on a real slapd and PostgreSQL.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { startSlapd, type SlapdInstance } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { until } from '../../support/until';
import { SAMPLE_CONFIG } from '../recon/recon-sample.fixture';

/** IDM 7.3's samples write a repeating schedule this way. */
const simpleRecon = {
  enabled: true,
  persisted: true,
  concurrentExecution: false,
  type: 'simple',
  repeatInterval: 2000,
  invokeService: 'sync',
  invokeContext: { action: 'reconcile', mapping: 'systemLdapAccounts_managedUser' },
};

let slapd: SlapdInstance;
let t: TestConcord;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  const projectDir = tempProjectDir(SAMPLE_CONFIG);
  writeFileSync(join(projectDir, 'config', 'schedule-simple-recon.json'), JSON.stringify(simpleRecon));
  t = await startConcord({
    repo: 'postgres',
    projectDir,
    env: { OPENIDM_LDAP_HOST: slapd.host, OPENIDM_LDAP_PORT: String(slapd.port) },
  });
});
afterAll(async () => {
  await t?.destroy();
  await slapd?.destroy();
});

it("loads the sample's cron schedule as shipped, dormant, and plans it at second 30 once enabled", async () => {
  const shipped = JSON.parse(readFileSync(join(SAMPLE_CONFIG, 'schedule-recon.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const job = await t.admin('get', '/openidm/scheduler/job/recon').expect(200);
  expect(job.body).toMatchObject({ ...shipped, enabled: false, nextRunDate: null });

  await t
    .admin('put', '/openidm/config/schedule-recon')
    .send({ ...shipped, enabled: true })
    .expect(200);
  const enabled = await t.admin('get', '/openidm/scheduler/job/recon').expect(200);
  expect(new Date(enabled.body.nextRunDate as string).getUTCSeconds()).toBe(30);
  await t.admin('put', '/openidm/config/schedule-recon').send(shipped).expect(200);
});

it('fires a recon from the IDM 7.3 simple schedule that GET /openidm/recon lists', async () => {
  const lastRun = await until(async () => {
    const res = await t.admin('get', '/openidm/scheduler/job/simple-recon').expect(200);
    const run = res.body.lastRun as { state?: string; reconId?: string } | null;
    return run?.state === 'SUCCESS' ? run : undefined;
  }, 20_000);
  const listed = await t.admin('get', '/openidm/recon').expect(200);
  const recon = (listed.body.reconciliations as { _id: string; mapping: string; state: string }[]).find(
    (run) => run._id === lastRun.reconId,
  );
  expect(recon).toMatchObject({ mapping: 'systemLdapAccounts_managedUser', state: 'SUCCESS' });
  const bjensen = await t
    .admin('get', '/openidm/managed/user?_queryFilter=userName+eq+"bjensen"')
    .expect(200);
  expect(bjensen.body.resultCount).toBe(1);
});
