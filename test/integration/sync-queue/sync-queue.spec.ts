import { DomainError } from '../../../src/core/errors/domain-error';
import { SyncQueueRepository } from '../../../src/persistence/sync-queue.repository';
import type { SqlExecutor } from '../../../src/persistence/sql-database';
import { AuditRepository } from '../../../src/persistence/audit.repository';
import type { ClosingWrites, EnqueuedRef, FollowingChange } from '../../../src/sync-queue/change-queue.store';
import { collectingDeferred, withDeferredDelivery } from '../../../src/sync-queue/delivery-context';
import {
  ChangeProcessor,
  type CurrentState,
  type SeenObject,
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

class ScriptedProcessor extends ChangeProcessor {
  readonly seen: QueuedChange[] = [];
  constructor(private readonly outcome: (change: QueuedChange) => ChangeOutcome) {
    super();
  }
  process(change: QueuedChange): Promise<ChangeOutcome> {
    this.seen.push(change);
    return Promise.resolve(this.outcome(change));
  }
}

const ldapDown = (): ChangeOutcome => {
  throw new DomainError('UNAVAILABLE', 'LDAP server ldap://127.0.0.1:1 is unavailable');
};

describe.each(REPO_KINDS)('the implicit-sync queue on %s', (kind) => {
  let handle: TestDatabase;
  let rig: QueueRig;
  const rows = () => rig.queue.query(crestQuery({ _queryFilter: 'true' })).then((page) => page.objects);

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await handle.destroy();
  });
  beforeEach(async () => {
    await handle.db.query('DELETE FROM sync_queue');
    await handle.db.query('DELETE FROM managed_objects');
    rig = queueRig(handle.db, { CONCORD_SYNC_MAX_ATTEMPTS: '2', CONCORD_SYNC_BACKOFF_BASE_MS: '1' });
  });

  it('records every managed change with its write, merged into one row per object, and nothing for a no-op update', async () => {
    const created = await rig.managed.create('user', undefined, user('alice'));
    expect(await rows()).toEqual([
      expect.objectContaining({
        rev: 1,
        doc: expect.objectContaining({
          resource: 'managed/user',
          objectId: created._id,
          operation: 'create',
          state: 'pending',
        }),
      }),
    ]);

    const updated = await rig.managed.update('user', created._id, user('alice', { sn: 'Smith' }), {
      kind: 'any',
    });
    await rig.managed.update('user', created._id, user('alice', { sn: 'Smith' }), { kind: 'any' });
    await rig.managed.patch('user', created._id, [{ operation: 'replace', field: '/sn', value: 'Smith' }], {
      kind: 'any',
    });
    expect(updated._rev).toBe('2');
    // The unchanged update and patch enqueued nothing: still version 2, and still the undelivered create.
    expect((await rows()).map((row) => [row.rev, row.doc.operation])).toEqual([[2, 'create']]);

    await rig.managed.delete('user', created._id, { kind: 'any' });
    const [deleted] = await rows();
    expect(deleted?.doc).toMatchObject({
      operation: 'delete',
      lastState: expect.objectContaining({ userName: 'alice', sn: 'Smith' }),
    });
    expect(await rows()).toHaveLength(1);
  });

  it('enqueues nothing for a managed write that fails', async () => {
    const alice = await rig.managed.create('user', 'alice', user('alice'));
    await handle.db.query('DELETE FROM sync_queue');
    expect(await errorCode(rig.managed.create('user', undefined, { userName: 'no-mail' }))).toBe('FORBIDDEN');
    expect(await errorCode(rig.managed.create('user', 'alice', user('again')))).toBe('PRECONDITION_FAILED');
    expect(
      await errorCode(
        rig.managed.update('user', 'alice', user('alice', { sn: 'X' }), {
          kind: 'exact',
          rev: 7,
          text: '"7"',
        }),
      ),
    ).toBe('PRECONDITION_FAILED');
    expect(await errorCode(rig.managed.delete('user', 'nobody', { kind: 'any' }))).toBe('NOT_FOUND');
    expect(await rows()).toEqual([]);
    expect((await rig.managed.read('user', alice._id, undefined))._rev).toBe('1');
  });

  it('records no change when the write it goes with writes nothing (a revision changed meanwhile)', async () => {
    const alice = await rig.managed.create('user', 'alice', user('alice'));
    await handle.db.query('DELETE FROM sync_queue');
    // Another writer moved alice to revision 2 between this writer's read (revision 1) and its write.
    await handle.db.query(`UPDATE managed_objects SET rev = 2 WHERE id = 'alice'`);
    const stale = rig.recorder.record('managed/user', alice._id, 'update', (tx) =>
      rig.store.update('user', alice._id, user('alice', { sn: 'Stale' }), 1, tx),
    );
    expect(await errorCode(stale)).toBe('PRECONDITION_FAILED');
    expect(await rows()).toEqual([]);
    const missing = rig.recorder.record('managed/user', 'ghost', 'delete', (tx) =>
      rig.store.delete('user', 'ghost', undefined, tx),
    );
    expect(await errorCode(missing)).toBe('NOT_FOUND');
    expect(await rows()).toEqual([]);
  });

  it("writes each write's activity event, whether its delivery right after succeeds or fails", async () => {
    await handle.db.query(`DELETE FROM audit_events WHERE topic = 'activity'`);
    rig.delivery.use(new ScriptedProcessor(() => ({ status: 'SUCCESS' })));
    const dora = await rig.managed.create('user', undefined, user('dora'));
    rig.delivery.use(new ScriptedProcessor(ldapDown));
    await rig.managed.update('user', dora._id, user('dora', { sn: 'Down' }), { kind: 'any' });
    // Both events followed the replies; a read of the audit trail waits for them.
    const audit = new AuditRepository(handle.db);
    const events = await audit.query(
      'activity',
      crestQuery({ _queryFilter: 'true', _sortKeys: 'timestamp' }),
    );
    expect(events.objects.map((event) => [event.doc.operation, event.doc.objectId])).toEqual([
      ['CREATE', `managed/user/${dora._id}`],
      ['UPDATE', `managed/user/${dora._id}`],
    ]);
    expect((await rows()).map((row) => row.doc.lastError)).toEqual([expect.stringContaining('unavailable')]);
  });

  it('rolls the managed write back when its change cannot be recorded', async () => {
    // The queue row follows the write in its statement: a queue row that fails takes the write with it.
    class BrokenQueue extends SyncQueueRepository {
      override enqueueAfterWrite(tx: SqlExecutor, change: FollowingChange): Promise<never> {
        return tx.follow!('SELECT 1/0 AS broken FROM concord_written').then(() => {
          throw new Error(`unreachable for ${change.resource}`);
        });
      }
    }
    const broken = queueRig(handle.db, {}, new BrokenQueue(handle.db));
    await expect(broken.managed.create('user', 'bob', user('bob'))).rejects.toThrow(/division by zero/);
    expect(await errorCode(rig.managed.read('user', 'bob', undefined))).toBe('NOT_FOUND');
  });

  it('retries a failed delivery with back-off, moves it to the dead letters after maxAttempts, and can retry or remove it', async () => {
    rig.delivery.use(new ScriptedProcessor(ldapDown));
    const carol = await rig.managed.create('user', undefined, user('carol'));
    const [first] = await rows();
    expect(first?.doc).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('unavailable'),
    });
    expect(Date.parse(first?.doc.nextAttemptAt as string)).toBeGreaterThan(Date.now() - 1000);

    await new Promise((resolve) => setTimeout(resolve, 50));
    await rig.delivery.deliverDue('worker-a');
    const dead = await rig.queue.query(crestQuery({ _queryFilter: 'state eq "dead"' }));
    expect(dead.objects.map((row) => row.doc)).toEqual([
      expect.objectContaining({ objectId: carol._id, attempts: 2, state: 'dead' }),
    ]);
    // Dead changes are not picked up again.
    expect(await rig.delivery.deliverDue('worker-a')).toBe(0);

    const id = dead.objects[0]!.id;
    const ok = new ScriptedProcessor(() => ({ status: 'SUCCESS' }));
    rig.delivery.use(ok);
    expect(await rig.queue.retry(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await rig.delivery.deliverDue('worker-a')).toBe(1);
    expect(ok.seen.map((change) => change.objectId)).toEqual([carol._id]);
    expect(await rows()).toEqual([]);

    await rig.managed.update('user', carol._id, user('carol', { sn: 'Again' }), { kind: 'any' });
    expect(await rows()).toEqual([]);
    rig.delivery.use(new ScriptedProcessor(ldapDown));
    await rig.managed.update('user', carol._id, user('carol', { sn: 'Down' }), { kind: 'any' });
    const [waiting] = await rows();
    expect(await rig.queue.remove(waiting!.id)).toMatchObject({ objectId: carol._id });
    expect(await errorCode(rig.queue.remove(waiting!.id))).toBe('NOT_FOUND');
    expect(await errorCode(rig.queue.retry('not-a-number'))).toBe('NOT_FOUND');
  });

  it('keeps a change that was merged while an older version was being delivered', async () => {
    const dave = await rig.managed.create('user', undefined, user('dave'));
    const [leased] = await rig.queue.claimDue('worker-a', 10, 30_000);
    expect(leased?.version).toBe(1);
    await rig.managed.update('user', dave._id, user('dave', { sn: 'Newer' }), { kind: 'any' });
    // A second worker cannot take the leased row.
    expect(await rig.queue.claimDue('worker-b', 10, 30_000)).toEqual([]);
    expect(await rig.queue.complete(leased!, 'worker-a')).toBe(false);
    const [again] = await rig.queue.claimDue('worker-b', 10, 30_000);
    expect(again).toMatchObject({ objectId: dave._id, version: 2 });
    expect(await rig.queue.complete(again!, 'worker-b')).toBe(true);
    expect(await rows()).toEqual([]);
  });

  it("writes a delivery's audit lines with the statement that ends it, whether it succeeds, meets a newer change or fails", async () => {
    const audit = new AuditRepository(handle.db);
    let attempt = 0;
    /** Writes one audit/sync line per attempt where the delivery offers, as the sync engine does. */
    class AuditingProcessor extends ChangeProcessor {
      constructor(private readonly outcome: () => ChangeOutcome) {
        super();
      }
      async process(change: QueuedChange, _current?: CurrentState, closing?: ClosingWrites) {
        attempt += 1;
        const event = {
          _id: `closing-${kind}-${attempt}`,
          timestamp: new Date().toISOString(),
          eventName: 'sync',
        };
        await audit.appendUnflushed('sync', [{ ...event, sourceObjectId: change.objectId }], closing);
        return this.outcome();
      }
    }
    const lines = async () =>
      (await audit.query('sync', crestQuery({ _queryFilter: `_id sw "closing-${kind}-"` }))).objects.map(
        (row) => row.id,
      );
    const erin = await rig.managed.create('user', undefined, user('erin'));

    rig.delivery.use(new AuditingProcessor(() => ({ status: 'FAILED', message: 'LDAP is down' })));
    expect(await rig.delivery.deliverDue('worker-a')).toBe(1);
    expect(await lines()).toEqual([`closing-${kind}-1`]);
    expect((await rows())[0]?.doc).toMatchObject({ state: 'pending', attempts: 1 });

    rig.delivery.use(new AuditingProcessor(() => ({ status: 'SUCCESS' })));
    await rig.queue.pullForward();
    const [leased] = await rig.queue.claimDue('worker-a', 10, 30_000);
    await rig.managed.update('user', erin._id, user('erin', { sn: 'Newer' }), { kind: 'any' });
    const closing = rig.queue.closingWrites();
    await new AuditingProcessor(() => ({ status: 'SUCCESS' })).process(leased!, undefined, closing);
    // The newer change keeps the row; the older delivery's line is written all the same.
    expect(await rig.queue.complete(leased!, 'worker-a', closing)).toBe(false);
    expect(await lines()).toEqual([`closing-${kind}-1`, `closing-${kind}-2`]);

    expect(await rig.delivery.deliverDue('worker-b')).toBe(1);
    expect(await rows()).toEqual([]);
    expect(await lines()).toEqual([`closing-${kind}-1`, `closing-${kind}-2`, `closing-${kind}-3`]);
  });

  it('delivers a write at once with the state it wrote, and leaves a row to a worker that keeps holding it', async () => {
    const given: { objectId: string; current: CurrentState | undefined }[] = [];
    class RecordingProcessor extends ChangeProcessor {
      process(change: QueuedChange, current?: CurrentState): Promise<ChangeOutcome> {
        given.push({ objectId: change.objectId, current });
        return Promise.resolve({ status: 'SUCCESS' });
      }
    }
    rig.delivery.use(new RecordingProcessor());
    const erin = await rig.managed.create('user', 'erin', user('erin'));
    const updated = await rig.managed.update('user', 'erin', user('erin', { sn: 'Later' }), { kind: 'any' });
    // What the processor is handed is what a read returns right after the write.
    expect(given).toEqual([
      { objectId: 'erin', current: { object: erin } },
      { objectId: 'erin', current: { object: updated } },
    ]);
    expect(await rig.managed.read('user', 'erin', undefined)).toEqual(updated);
    expect(await rows()).toEqual([]);

    // A worker holds the row (as after a failed inline delivery): the next write merges in but leaves the lease.
    rig.delivery.use(new ScriptedProcessor(ldapDown));
    await rig.managed.update('user', 'erin', user('erin', { sn: 'Down' }), { kind: 'any' });
    await handle.db.query('UPDATE sync_queue SET next_attempt_at = now()');
    const [held] = await rig.queue.claimDue('worker-a', 10, 30_000);
    rig.delivery.use(new RecordingProcessor());
    given.length = 0;
    await rig.managed.update('user', 'erin', user('erin', { sn: 'Newest' }), { kind: 'any' });
    expect(given).toEqual([]);
    expect(await rows()).toEqual([
      expect.objectContaining({ doc: expect.objectContaining({ lockedBy: 'worker-a' }) }),
    ]);
    // The worker's older version does not complete the row; the newest is delivered next, with a fresh read.
    expect(await rig.queue.complete(held!, 'worker-a')).toBe(false);
    expect(await rig.delivery.deliverDue('worker-b')).toBe(1);
    expect(given).toEqual([{ objectId: 'erin', current: undefined }]);
    expect(await rows()).toEqual([]);

    await rig.managed.delete('user', 'erin', { kind: 'any' });
    expect(given[1]).toEqual({ objectId: 'erin', current: { object: null } });
    expect(await rows()).toEqual([]);
  });

  it('delivers a write within its request once another delivery of the object lets go of the row', async () => {
    const delivered: string[] = [];
    class RecordingProcessor extends ChangeProcessor {
      process(change: QueuedChange): Promise<ChangeOutcome> {
        delivered.push(`${change.objectId} v${change.version}`);
        return Promise.resolve({ status: 'SUCCESS' });
      }
    }
    await rig.managed.create('user', 'ida', user('ida'));
    const [held] = await rig.queue.claimDue('worker-a', 10, 30_000);
    rig.delivery.use(new RecordingProcessor());

    // Another node's delivery of the create holds the row, and ends 50 ms into this write's request.
    const otherEnds = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
      rig.queue.complete(held!, 'worker-a'),
    );
    await rig.managed.update('user', 'ida', user('ida', { sn: 'Later' }), { kind: 'any' });

    expect(delivered).toEqual(['ida v2']);
    expect(await otherEnds).toBe(false);
    expect(await rows()).toEqual([]);
  });

  it('keeps the entry live sync derived a change from for every attempt, until a change of another writer merges in', async () => {
    const bases: (SeenObject | undefined)[] = [];
    let fails = true;
    class BasisProcessor extends ChangeProcessor {
      process(_change: QueuedChange, _current?: CurrentState, _closing?: ClosingWrites, seen?: SeenObject) {
        bases.push(seen);
        return Promise.resolve<ChangeOutcome>(
          fails ? { status: 'FAILED', message: 'LDAP is down' } : { status: 'SUCCESS' },
        );
      }
    }
    rig.delivery.use(new BasisProcessor());
    await rig.managed.create('user', 'fay', user('fay'));
    bases.length = 0;
    const entry: SeenObject = {
      resource: 'system/ldap/account',
      id: 'uid=fay,ou=People,dc=example,dc=com',
      object: { _id: 'uid=fay,ou=People,dc=example,dc=com', uid: 'fay', mail: 'fay@example.com' },
    };
    // Live sync's write of what it read; the process dies before the delivery that would follow it.
    const refs: EnqueuedRef[] = [];
    await collectingDeferred(
      refs,
      () =>
        withDeferredDelivery(() =>
          rig.managed.update('user', 'fay', user('fay', { mail: 'fay@example.com' }), { kind: 'any' }),
        ),
      entry,
    );
    expect(refs).toHaveLength(1);
    expect(bases).toEqual([]);

    await handle.db.query('UPDATE sync_queue SET next_attempt_at = now()');
    expect(await rig.delivery.deliverDue('worker-a')).toBe(1);
    await handle.db.query('UPDATE sync_queue SET next_attempt_at = now()');
    fails = false;
    expect(await rig.delivery.deliverDue('worker-a')).toBe(1);
    expect(bases).toEqual([entry, entry]);
    expect(await rows()).toEqual([]);
    // Not part of the change as the queue shows it.
    fails = true;
    await collectingDeferred(
      [],
      () =>
        withDeferredDelivery(() =>
          rig.managed.update('user', 'fay', user('fay', { sn: 'Seen' }), { kind: 'any' }),
        ),
      entry,
    );
    const [queued] = await rows();
    expect(queued?.doc).not.toHaveProperty('seen');
    expect(await rig.queue.read(queued!.id)).toMatchObject({ seen: entry });

    // A REST write merged into the row: its delivery reads the entry afresh.
    bases.length = 0;
    await rig.managed.update('user', 'fay', user('fay', { sn: 'Rest' }), { kind: 'any' });
    await handle.db.query('UPDATE sync_queue SET next_attempt_at = now()');
    fails = false;
    await rig.delivery.deliverDue('worker-a');
    expect(bases).toEqual([undefined, undefined]);
    expect(await rows()).toEqual([]);
  });

  it("keeps an update's state before it until delivery, the oldest of merged updates, none for a create or a whole-state sync", async () => {
    const oldSn = async () => {
      const [row] = await rows();
      const entry = await rig.queue.read(row!.id);
      return entry?.oldState === undefined ? undefined : (entry.oldState['sn'] ?? null);
    };
    const gus = await rig.managed.create('user', 'gus', user('gus', { sn: 'Created' }));
    await rig.managed.update('user', 'gus', user('gus', { sn: 'A' }), { kind: 'any' });
    expect(await oldSn()).toBeUndefined(); // still a create: new to its targets
    const [created] = await rows();
    await rig.queue.remove(created!.id); // delivered

    await rig.managed.update('user', 'gus', user('gus', { sn: 'B' }), { kind: 'any' });
    expect(await oldSn()).toBe('A');
    await rig.managed.update('user', 'gus', user('gus', { sn: 'C' }), { kind: 'any' });
    expect(await oldSn()).toBe('A');
    // Not part of the change as the queue shows it.
    const [queued] = await rows();
    expect(queued?.doc).not.toHaveProperty('oldState');

    // A whole-state sync asked for (no old state) takes over the row, and later updates keep it whole.
    await rig.queue.enqueue(handle.db, {
      resource: 'managed/user',
      objectId: gus._id,
      operation: 'update',
      lastState: null,
    });
    expect(await oldSn()).toBeUndefined();
    await rig.managed.update('user', 'gus', user('gus', { sn: 'D' }), { kind: 'any' });
    expect(await oldSn()).toBeUndefined();
  });

  it("keeps a merged update's own state before it while an older version is being delivered, and none if that delivery fails", async () => {
    const oldSn = async () => {
      const [row] = await rows();
      const entry = await rig.queue.read(row!.id);
      return entry?.oldState === undefined ? undefined : (entry.oldState['sn'] ?? null);
    };
    await rig.managed.create('user', 'hal', user('hal', { sn: 'Created' }));
    const [created] = await rows();
    await rig.queue.remove(created!.id); // delivered
    await rig.managed.update('user', 'hal', user('hal', { sn: 'A' }), { kind: 'any' });
    const [first] = await rig.queue.claimDue('worker-a', 10, 30_000);

    // Merged while the delivery of A is under way (another node's write does not wait for it): A is being
    // written, so the newer change changed only what it changed since A.
    await rig.managed.update('user', 'hal', user('hal', { sn: 'B' }), { kind: 'any' });
    expect(await oldSn()).toBe('A');
    expect(await rig.queue.complete(first!, 'worker-a')).toBe(false);
    expect(await oldSn()).toBe('A');

    // The delivery of B fails after C merged in: whether B reached the target is unknown, so the whole state goes.
    const [second] = await rig.queue.claimDue('worker-a', 10, 30_000);
    await rig.managed.update('user', 'hal', user('hal', { sn: 'C' }), { kind: 'any' });
    expect(await oldSn()).toBe('B');
    await rig.queue.fail(second!, 'worker-a', 'LDAP is down', { dead: false, delayMs: 1 });
    expect(await oldSn()).toBeUndefined();
  });

  it('makes every waiting change due at once when deliveries succeed again after an outage', async () => {
    rig = queueRig(handle.db, {
      CONCORD_SYNC_BACKOFF_BASE_MS: '600000',
      CONCORD_SYNC_PROBE_INTERVAL_MS: '1',
    });
    let up = false;
    rig.delivery.use(new ScriptedProcessor(() => (up ? { status: 'SUCCESS' } : ldapDown())));
    for (const name of ['e1', 'e2', 'e3']) await rig.managed.create('user', undefined, user(name));
    // While LDAP is down a probe fails and nothing else is due.
    await rig.delivery.deliverDue('worker-a');
    expect(await rows()).toHaveLength(3);
    up = true;
    // Back-off is minutes, but one probe succeeds and pulls the others forward.
    await rig.delivery.deliverDue('worker-a');
    await rig.delivery.deliverDue('worker-a');
    expect(await rows()).toEqual([]);
  });
});
