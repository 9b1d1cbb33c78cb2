/**
 * Live sync on GET /metrics, through the sample on real slapd and PostgreSQL: runs counted by how they ended, the
 * changes they brought back by type, and when a run last read the directory to its end, which a run against a
 * stopped slapd leaves as it was.
 */
import { scrapeMetrics } from '../../support/metrics-scrape';
import { reconciledSampleForFile } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const SOURCE = 'source="system/ldap/account"';
const env = reconciledSampleForFile();

const liveSync = () => env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync');

const scrape = () => scrapeMetrics(env.t);

const RUNS = (result: string) => `concord_livesync_runs_total{${SOURCE},result="${result}"}`;
const CHANGES = (type: string, result: string) =>
  `concord_livesync_changes_total{${SOURCE},type="${type}",result="${result}"}`;
const LAST_SUCCESS = `concord_livesync_last_success_timestamp_seconds{${SOURCE}}`;

it('counts runs and the changes they bring back, and when the directory was last read to its end', async () => {
  const started = Date.now() / 1000;
  await liveSync().expect(200); // the first run only records the latest token
  await env.slapd.modify(
    `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: metrics@example.com\n`,
  );
  await liveSync().expect(200);

  const synced = await scrape();
  expect(synced.get(RUNS('ok'))).toBe(2);
  expect(synced.get(CHANGES('UPDATE', 'applied'))).toBe(1);
  const lastSuccess = synced.get(LAST_SUCCESS) ?? 0;
  expect(lastSuccess).toBeGreaterThanOrEqual(Math.floor(started));

  await env.slapd.stop();
  try {
    expect((await liveSync()).status).toBe(503);
  } finally {
    await env.slapd.restart();
  }
  const failed = await scrape();
  expect(failed.get(RUNS('failed'))).toBe(1);
  expect(failed.get(RUNS('ok'))).toBe(2);
  expect(failed.get(LAST_SUCCESS)).toBe(lastSuccess);
});

it('counts a change the mapping refuses as failed, run after run, until syncFailureHandler gives up on it', async () => {
  const before = await scrape();
  // No mail: managed/user requires one, so the inbound mapping's CREATE fails; the sample retries it 5 times.
  await env.slapd.add(
    `dn: uid=nomail,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: nomail\ncn: No Mail\nsn: Mail\ngivenName: No\n`,
  );
  for (let run = 1; run <= 5; run++) {
    expect((await liveSync().expect(200)).body.lastException).toBeDefined();
  }
  expect((await liveSync().expect(200)).body.lastException).toBeUndefined();

  const after = await scrape();
  const grew = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
  expect(grew(RUNS('stopped'))).toBe(5);
  expect(grew(CHANGES('CREATE', 'failed'))).toBe(5);
  expect(grew(CHANGES('CREATE', 'given_up'))).toBe(1);
  expect(grew(RUNS('ok'))).toBe(1);
});
