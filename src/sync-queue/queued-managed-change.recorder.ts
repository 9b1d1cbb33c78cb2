import { Injectable } from '@nestjs/common';
import type { JsonObject, StoredObject } from '../managed/managed-object';
import { FollowingExecutor } from '../persistence/following-writes';
import { SqlDatabase, type SqlExecutor } from '../persistence/sql-database';
import { trailingKey } from '../persistence/trailing-writes';
import { ChangeDelivery } from './change-delivery.service';
import { ChangeQueueStore, type ClosingWrites, type EnqueuedRef } from './change-queue.store';
import { deferredSeen, deliveryIsCollected, deliveryIsDeferred, noteDeferred } from './delivery-context';
import { ManagedChangeRecorder, type WrittenObject } from './managed-change.recorder';
import type { ChangeOperation } from './queued-change';
import { SyncDeliveryConfig } from './sync-queue.settings';

/**
 * How long the worker leaves alone a change that the engine operation which wrote it delivers itself when it
 * is done (delivery-context.ts, `collectingDeferred`): enough for that operation to finish, short enough that a
 * crash in between delays the change only this long.
 */
const COLLECTED_GRACE_MS = 10_000;

/** The managed write and its `sync_queue` row in one statement; then, as in OpenIDM, sync before replying. */
@Injectable()
export class QueuedManagedChangeRecorder extends ManagedChangeRecorder {
  constructor(
    private readonly db: SqlDatabase,
    private readonly queue: ChangeQueueStore,
    private readonly delivery: ChangeDelivery,
    private readonly config: SyncDeliveryConfig,
  ) {
    super();
  }

  async record(
    resource: string,
    objectId: string,
    operation: ChangeOperation,
    write: (tx: SqlExecutor) => Promise<StoredObject>,
    present?: (stored: StoredObject) => JsonObject,
    before?: StoredObject | null,
  ): Promise<StoredObject> {
    if (!this.delivery.wants(resource)) return write(this.db);
    const inline = this.config.queue.inline;
    // The engine delivers this change itself once its link is written: the worker must not take it before.
    const collected = inline && deliveryIsDeferred() && deliveryIsCollected();
    const seen = deliveryIsDeferred() ? deferredSeen() : undefined;
    // The update's delivery writes what it changed (QueuedChange.oldState); a create or delete has no old state.
    const oldState = operation === 'update' && before && present ? present(before) : undefined;
    // Delivered right after the write: the row is leased to this delivery as it is written, not claimed after.
    const lease = inline && !deliveryIsDeferred() ? this.delivery.inlineLease() : undefined;
    const change = {
      resource,
      operation,
      ...(collected ? { delayMs: COLLECTED_GRACE_MS } : {}),
      ...(lease ? { leaseTo: lease } : {}),
      ...(seen ? { seen } : {}),
      ...(oldState ? { oldState } : {}),
    };
    const key = trailingKey(resource, objectId);
    // The object's previous delivery frees its queue row after its reply: this change must find the row free.
    await this.db.trailing.before(key);
    // The write and its queue row in one statement (FollowingExecutor), so no transaction is needed.
    const tx = new FollowingExecutor(this.db);
    // What the inline delivery reads first (the object's links) comes back with the write.
    const companion = lease ? this.delivery.companionOf(resource, objectId) : undefined;
    if (companion) tx.alongside(companion.read);
    const enqueued = this.queue.enqueueAfterWrite(tx, change);
    enqueued.catch(() => undefined); // a failed statement is the write's failure: write(tx) throws it
    let ref: EnqueuedRef | null = null;
    let stored: StoredObject;
    try {
      stored = await write(tx);
      // Only if `write` sent no write the queue row could follow, which it promises to: recorded on its own then.
      ref = tx.waiting
        ? await this.queue.enqueue(this.db, {
            ...change,
            objectId: stored.id,
            lastState: operation === 'delete' ? stored.doc : null,
          })
        : await enqueued;
    } finally {
      // The write's activity audit line (deferred on tx) follows the reply: with the inline delivery's closing
      // statement when there is one, else on its own.
      if (tx.holdsDeferred && !(lease && ref?.leased)) this.db.trailing.track(key, () => tx.drain());
    }
    if (ref === null) throw new Error(`The queue row of ${key} was not written with its write`);
    if (lease) {
      const object = operation === 'delete' ? null : present?.(stored);
      const carried = ref.leased ? (closing: ClosingWrites) => tx.handOver(closing) : undefined;
      const rows = tx.companionResult;
      const current =
        object === undefined
          ? undefined
          : companion && rows !== null
            ? { object, links: companion.take(rows) }
            : { object };
      await this.delivery.deliverNow(ref, { holder: lease.holder, current, carried });
    } else if (inline && deliveryIsDeferred()) noteDeferred(ref);
    else if (inline) await this.delivery.deliverNow(ref);
    return stored;
  }

  /** One multi-row insert for the batch's changes that still need delivery, in the batch's transaction. */
  async recordBatch<T>(
    resource: string,
    operation: 'create' | 'update',
    write: (tx: SqlExecutor) => Promise<{ readonly result: T; readonly written: readonly WrittenObject[] }>,
    tx?: SqlExecutor,
  ): Promise<T> {
    if (!this.delivery.wants(resource)) return (await write(tx ?? this.db)).result;
    const inTransaction = async (executor: SqlExecutor): Promise<T> => {
      const { result, written } = await write(executor);
      const settled = await this.delivery.settleWritten(executor, resource, written);
      // An update of an object whose earlier change is still queued merges into that row (enqueueMany).
      await this.queue.enqueueMany(
        executor,
        written
          .filter((_, index) => settled[index] !== true)
          .map(({ id }) => ({ resource, objectId: id, operation, lastState: null })),
      );
      return result;
    };
    return tx === undefined ? this.db.transaction(inTransaction) : inTransaction(tx);
  }
}
