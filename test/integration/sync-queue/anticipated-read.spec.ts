/**
 * An update whose delivery follows within the request starts that delivery's read of the linked target right
 * after its own read of the object, beside the write (ChangeProcessor.anticipation), but only when that read
 * found no change of the object queued: a change still queued may have a delivery writing the target at that
 * very moment, which a read started then could miss.
 */
import {
  ChangeProcessor,
  type AnticipatedRead,
  type CurrentState,
} from '../../../src/sync-queue/change-processor.port';
import type { ChangeOutcome, QueuedChange } from '../../../src/sync-queue/queued-change';
import {
  crestQuery,
  errorCode,
  openTestDatabase,
  REPO_KINDS,
  type TestDatabase,
} from '../sync-persistence/test-database';
import { queueRig, user, type QueueRig } from './queue-fixture';

/** Anticipates every object's target as `target-<id>` and records what each delivery was handed. */
class AnticipatingProcessor extends ChangeProcessor {
  readonly started: string[] = [];
  readonly handed: (AnticipatedRead | undefined)[] = [];
  outcome: () => ChangeOutcome = () => ({ status: 'SUCCESS' });

  override anticipation(_resource: string, objectId: string): () => AnticipatedRead {
    return () => {
      this.started.push(objectId);
      return {
        mapping: 'managedUser_target',
        targetId: `target-${objectId}`,
        target: Promise.resolve({ _id: `target-${objectId}` }),
      };
    };
  }

  process(_change: QueuedChange, current?: CurrentState): Promise<ChangeOutcome> {
    this.handed.push(current?.anticipated);
    return Promise.resolve(this.outcome());
  }
}

describe.each(REPO_KINDS)('the target read started beside an update, on %s', (kind) => {
  let handle: TestDatabase;
  let rig: QueueRig;
  let processor: AnticipatingProcessor;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await handle.destroy();
  });
  beforeEach(async () => {
    await handle.db.query('DELETE FROM sync_queue');
    await handle.db.query('DELETE FROM managed_objects');
    rig = queueRig(handle.db, { CONCORD_SYNC_MAX_ATTEMPTS: '5', CONCORD_SYNC_BACKOFF_BASE_MS: '60000' });
    processor = new AnticipatingProcessor();
    rig.delivery.use(processor);
  });

  it('starts it for updates, replaces and patches of an object with nothing queued, and hands it to the delivery', async () => {
    await rig.managed.create('user', 'ann', user('ann'));
    await handle.db.trailing.settled();
    await rig.managed.update('user', 'ann', user('ann', { sn: 'One' }), { kind: 'any' });
    await handle.db.trailing.settled();
    await rig.managed.upsert('user', 'ann', user('ann', { sn: 'Two' }));
    await handle.db.trailing.settled();
    await rig.managed.patch('user', 'ann', [{ operation: 'replace', field: '/sn', value: 'Three' }], {
      kind: 'any',
    });

    // The create reads nothing first: nothing to start. Each update's read started it, its delivery took it.
    expect(processor.started).toEqual(['ann', 'ann', 'ann']);
    expect(processor.handed.map((read) => read?.targetId)).toEqual([
      undefined,
      'target-ann',
      'target-ann',
      'target-ann',
    ]);
  });

  it('does not start it while a change of the object is queued, and does again once the queue is clear', async () => {
    await rig.managed.create('user', 'bob', user('bob'));
    processor.outcome = () => ({ status: 'FAILED', message: 'LDAP is down' });
    await rig.managed.update('user', 'bob', user('bob', { sn: 'Down' }), { kind: 'any' });
    const startedBefore = processor.started.length;
    expect((await rig.queue.query(crestQuery({ _queryFilter: 'true' }))).objects).toHaveLength(1);

    // The row waits for its retry: an update now must read its target after its write, as before.
    processor.outcome = () => ({ status: 'SUCCESS' });
    await rig.managed.update('user', 'bob', user('bob', { sn: 'Queued' }), { kind: 'any' });
    expect(processor.started).toHaveLength(startedBefore);
    expect(processor.handed.at(-1)).toBeUndefined();

    // Delivered (the merged row went with it): the next update starts the read beside its write again.
    await handle.db.trailing.settled();
    await handle.db.query('UPDATE sync_queue SET next_attempt_at = now()');
    await rig.delivery.deliverDue('worker');
    await handle.db.trailing.settled();
    await rig.managed.update('user', 'bob', user('bob', { sn: 'Clear' }), { kind: 'any' });
    expect(processor.started.at(-1)).toBe('bob');
    expect(processor.handed.at(-1)?.targetId).toBe('target-bob');
  });

  it('starts nothing for an update of an object that does not exist', async () => {
    expect(await errorCode(rig.managed.update('user', 'nobody', user('nobody'), { kind: 'any' }))).toBe(
      'NOT_FOUND',
    );
    expect(processor.started).toEqual([]);
  });
});
