import type { ClosingWrites } from '../sync-queue/change-queue.store';
import type { QueuedChange } from '../sync-queue/queued-change';
import { ClosingBatch, type ClosingBatchLimits } from './closing-batch';
import { CoalescingExecutor, isCarrier } from './deferred-writes';
import { parseId } from './queue-id';
import type { SqlDatabase } from './sql-database';
import { trailingKey } from './trailing-writes';

/** Removes a delivered row, unless a newer change merged into it meanwhile or the lease moved on. */
const COMPLETE = 'DELETE FROM sync_queue WHERE id = $1 AND version = $2 AND locked_by = $3 RETURNING id';
const completeParams = (change: QueuedChange, worker: string): unknown[] => [
  parseId(change.id),
  change.version,
  worker,
];

/**
 * PUTs 5 ms apart (200/s) share a closing statement four at a time; a row stays leased 20 ms longer, which
 * only the next write of the same object would notice, and that makes the batch go at once.
 */
const CLOSING_BATCH: ClosingBatchLimits = { lingerMs: 20, maxStatements: 32 };

/**
 * The end of a successful delivery (ChangeQueueStore.complete and completeAfterReply): the row's removal, with
 * the delivery's audit lines riding on it (ClosingWrites), or, when a newer change merged into the row, the
 * row released for that change. After a request's reply the removals go several at a time (ClosingBatch).
 */
export class DeliveredRows {
  private readonly batch: ClosingBatch;

  constructor(private readonly db: SqlDatabase) {
    this.batch = new ClosingBatch({ query: (sql, params) => db.relaxed.query(sql, params) }, CLOSING_BATCH);
    db.trailing.onWait(() => this.batch.hurry());
  }

  /** Over the unflushed executor, as `complete`'s delete: the two commit together, without waiting for the disk. */
  closingWrites(): ClosingWrites {
    return new CoalescingExecutor(this.db.relaxed);
  }

  completeAfterReply(change: QueuedChange, worker: string, closing?: ClosingWrites): void {
    this.db.trailing.track(trailingKey(change.resource, change.objectId), () =>
      this.completeInBatch(change, worker, closing),
    );
  }

  async complete(change: QueuedChange, worker: string, closing?: ClosingWrites): Promise<boolean> {
    // Unflushed: if a crash loses the delete, the change is delivered again, which changes nothing.
    const deleted = await (closing ?? this.db.relaxed).query(COMPLETE, completeParams(change, worker));
    return deleted.length > 0 || this.releaseMerged(change, worker);
  }

  /** `complete` in the next ClosingBatch, with what `closing` holds. */
  private async completeInBatch(
    change: QueuedChange,
    worker: string,
    closing?: ClosingWrites,
  ): Promise<boolean> {
    const deferred = closing instanceof CoalescingExecutor ? closing.takeDeferred() : [];
    await closing?.flush();
    const carried = deferred.filter((write) => isCarrier(write.sql));
    for (const write of deferred) {
      if (!isCarrier(write.sql)) await this.db.relaxed.query(write.sql, write.params);
    }
    const main = { sql: COMPLETE, params: completeParams(change, worker) };
    const deleted = await this.batch.submit({ carried, main });
    return deleted > 0 || this.releaseMerged(change, worker);
  }

  private async releaseMerged(change: QueuedChange, worker: string): Promise<false> {
    // A newer change merged in while we delivered: let it be delivered again, now.
    await this.db.query(
      `UPDATE sync_queue SET locked_by = NULL, locked_until = NULL, next_attempt_at = now()
       WHERE id = $1 AND locked_by = $2`,
      [parseId(change.id), worker],
    );
    return false;
  }
}
