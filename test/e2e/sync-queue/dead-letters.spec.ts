/**
 * The dead-letter list over REST, through the sample's mappings: a change that keeps failing (LDAP down) goes
 * dead, and can be retried (then delivered: ABSENT → CREATE in LDAP) or deleted.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import type { TestConcord } from '../../support/concord-app';
import type { SlapdInstance } from '../../support/slapd';
import { ldapEntry, newUser, sampleProject, startDirectory, startWithSettings } from './delivery.fixture';

let slapd: SlapdInstance;
let t: TestConcord;

beforeAll(async () => {
  slapd = await startDirectory();
  t = await startWithSettings(slapd, {
    projectDir: sampleProject(),
    settings: {
      CONCORD_SYNC_MAX_ATTEMPTS: '2',
      CONCORD_SYNC_BACKOFF_BASE_MS: '50',
      CONCORD_SYNC_BACKOFF_MAX_MS: '100',
      CONCORD_SYNC_WORKER_INTERVAL_MS: '50',
    },
  });
});
afterAll(async () => {
  await t.destroy();
  await slapd.destroy();
});

const dead = async (): Promise<Record<string, unknown>[]> =>
  (await t.admin('get', '/openidm/sync/queue').query({ _queryFilter: 'state eq "dead"' }).expect(200)).body
    .result as Record<string, unknown>[];

it('lists dead changes, retries one to delivery and deletes another', async () => {
  await slapd.stop();
  await t.admin('put', '/openidm/managed/user/retryme').send(newUser('retryme')).expect(201);
  await t.admin('put', '/openidm/managed/user/dropme').send(newUser('dropme')).expect(201);
  await eventually('both changes to go dead', async () => (await dead()).length === 2);
  const byObject = new Map((await dead()).map((entry) => [entry.objectId, entry]));
  const retryEntry = byObject.get('retryme');
  const dropEntry = byObject.get('dropme');
  expect(retryEntry).toMatchObject({
    resource: 'managed/user',
    operation: 'create',
    state: 'dead',
    attempts: 2,
    lastError: expect.any(String),
  });

  await slapd.restart();
  const retried = await t
    .admin('post', `/openidm/sync/queue/${String(retryEntry?._id)}?_action=retry`)
    .expect(200);
  expect(retried.body).toMatchObject({ state: 'pending', attempts: 0 });
  await eventually(
    'the retried change to reach LDAP',
    async () => (await ldapEntry(slapd, 'retryme')) !== '',
  );

  await t.admin('delete', `/openidm/sync/queue/${String(dropEntry?._id)}`).expect(200);
  await t.admin('get', `/openidm/sync/queue/${String(dropEntry?._id)}`).expect(404);
  await t.admin('post', `/openidm/sync/queue/${String(dropEntry?._id)}?_action=retry`).expect(404);
  await t.admin('post', `/openidm/sync/queue/1?_action=frobnicate`).expect(400);
  expect(await ldapEntry(slapd, 'dropme')).toBe('');
  expect((await t.admin('get', '/openidm/sync/queue?_queryFilter=true').expect(200)).body.result).toEqual([]);
  await t.call('get', '/openidm/sync/queue?_queryFilter=true').expect(401);
});
