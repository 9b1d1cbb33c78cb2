/**
 * The dead-letter list over REST, through the sample's mappings: a change that keeps failing (LDAP down) goes
 * dead, and can be retried (then delivered: ABSENT → CREATE in LDAP) or deleted.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { ldapEntry, newUser, sampleNodeForFile } from './delivery.fixture';

const rig = sampleNodeForFile({
  CONCORD_SYNC_MAX_ATTEMPTS: '2',
  CONCORD_SYNC_BACKOFF_BASE_MS: '50',
  CONCORD_SYNC_BACKOFF_MAX_MS: '100',
  CONCORD_SYNC_WORKER_INTERVAL_MS: '50',
});

const dead = async (): Promise<Record<string, unknown>[]> =>
  (await rig.t.admin('get', '/openidm/sync/queue').query({ _queryFilter: 'state eq "dead"' }).expect(200))
    .body.result as Record<string, unknown>[];

it('lists dead changes, retries one to delivery and deletes another', async () => {
  await rig.slapd.stop();
  await rig.t.admin('put', '/openidm/managed/user/retryme').send(newUser('retryme')).expect(201);
  await rig.t.admin('put', '/openidm/managed/user/dropme').send(newUser('dropme')).expect(201);
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

  await rig.slapd.restart();
  const retried = await rig.t
    .admin('post', `/openidm/sync/queue/${String(retryEntry?._id)}?_action=retry`)
    .expect(200);
  expect(retried.body).toMatchObject({ state: 'pending', attempts: 0 });
  await eventually(
    'the retried change to reach LDAP',
    async () => (await ldapEntry(rig.slapd, 'retryme')) !== '',
  );

  await rig.t.admin('delete', `/openidm/sync/queue/${String(dropEntry?._id)}`).expect(200);
  await rig.t.admin('get', `/openidm/sync/queue/${String(dropEntry?._id)}`).expect(404);
  await rig.t.admin('post', `/openidm/sync/queue/${String(dropEntry?._id)}?_action=retry`).expect(404);
  await rig.t.admin('post', `/openidm/sync/queue/1?_action=frobnicate`).expect(400);
  expect(await ldapEntry(rig.slapd, 'dropme')).toBe('');
  expect((await rig.t.admin('get', '/openidm/sync/queue?_queryFilter=true').expect(200)).body.result).toEqual(
    [],
  );
  await rig.t.call('get', '/openidm/sync/queue?_queryFilter=true').expect(401);
});
