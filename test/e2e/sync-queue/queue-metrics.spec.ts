/**
 * The implicit-sync queue on GET /metrics, through the sample's mappings on a real slapd and PostgreSQL: while LDAP
 * is down a change waits (pending, its age growing), then goes dead, and how each attempt ended is counted; once
 * it is retried and delivered, nothing waits any more.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { startConcord, type TestConcord } from '../../support/concord-app';
import { scrapeMetrics } from '../../support/metrics-scrape';
import { ldapEntry, newUser, sampleNodeForFile } from './delivery.fixture';

const rig = sampleNodeForFile({
  CONCORD_SYNC_MAX_ATTEMPTS: '3',
  CONCORD_SYNC_BACKOFF_BASE_MS: '300',
  CONCORD_SYNC_BACKOFF_MAX_MS: '300',
  CONCORD_SYNC_WORKER_INTERVAL_MS: '50',
  // One probe, when deliveries first fail; after that every attempt is the worker's, as the counts below say.
  CONCORD_SYNC_PROBE_INTERVAL_MS: '600000',
});

const scrape = (node: TestConcord = rig.t) => scrapeMetrics(node);

const QUEUED = (state: string) => `concord_sync_queue_changes{state="${state}"}`;
const OLDEST = (state: string) => `concord_sync_queue_oldest_change_age_seconds{state="${state}"}`;
const ATTEMPTS = (by: string, result: string) =>
  `concord_sync_delivery_attempts_total{by="${by}",result="${result}"}`;

it('shows what waits while LDAP is down, what went dead, and how attempts ended', async () => {
  const before = await scrape();
  expect(before.get(QUEUED('pending'))).toBe(0);
  expect(before.get(QUEUED('dead'))).toBe(0);
  expect(before.has(OLDEST('pending'))).toBe(false);

  await rig.slapd.stop();
  await rig.t.admin('put', '/openidm/managed/user/waiting').send(newUser('waiting')).expect(201);
  const waiting = await scrape();
  expect(waiting.get(QUEUED('pending'))).toBe(1);
  expect(waiting.get(ATTEMPTS('inline', 'retry'))).toBe(1);
  const firstAge = waiting.get(OLDEST('pending')) ?? -1;
  expect(firstAge).toBeGreaterThanOrEqual(0);

  await eventually('the change to go dead', async () => (await scrape()).get(QUEUED('dead')) === 1);
  const gone = await scrape();
  expect(gone.get(QUEUED('pending'))).toBe(0);
  expect(gone.has(OLDEST('pending'))).toBe(false);
  expect(gone.get(OLDEST('dead'))).toBeGreaterThan(firstAge);
  // Three attempts in all: the request's, then the worker's until the last, which is counted as dead.
  expect(gone.get(ATTEMPTS('worker', 'retry'))).toBe(1);
  expect(gone.get(ATTEMPTS('worker', 'dead'))).toBe(1);

  await rig.slapd.restart();
  const [entry] = (
    await rig.t.admin('get', '/openidm/sync/queue').query({ _queryFilter: 'state eq "dead"' }).expect(200)
  ).body.result as { _id: string }[];
  await rig.t.admin('post', `/openidm/sync/queue/${String(entry?._id)}?_action=retry`).expect(200);
  await eventually(
    'the retried change to reach LDAP',
    async () => (await ldapEntry(rig.slapd, 'waiting')) !== '',
  );
  await eventually('the queue to empty', async () => (await scrape()).get(QUEUED('dead')) === 0);
  const delivered = await scrape();
  expect(delivered.get(QUEUED('pending'))).toBe(0);
  expect(delivered.get(ATTEMPTS('worker', 'delivered'))).toBe(1);
  expect(delivered.has(OLDEST('dead'))).toBe(false);
});

it('reads the backlog from the embedded repository too', async () => {
  const embedded = await startConcord({ repo: 'embedded' });
  try {
    const samples = await scrape(embedded);
    expect(samples.get(QUEUED('pending'))).toBe(0);
    expect(samples.get(QUEUED('dead'))).toBe(0);
  } finally {
    await embedded.destroy();
  }
});
