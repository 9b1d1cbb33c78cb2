import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import type { SqlExecutor } from '../persistence/sql-database';
import {
  ChangeProcessor,
  type CurrentState,
  type SeenObject,
  type WriteCompanion,
} from './change-processor.port';
import { ChangeQueueStore, type ClosingWrites, type EnqueuedRef } from './change-queue.store';
import type { WrittenObject } from './managed-change.recorder';
import type { QueuedChange } from './queued-change';
import { exhausted, retryDelayMs } from './retry-backoff';
import { SyncDeliveryConfig } from './sync-queue.settings';
import { SyncQueueMetrics } from './sync-queue.metrics';

/** How long an inline delivery waits, pause after pause, for a row another delivery holds (about 0.6 s in all). */
const CLAIM_PAUSES_MS = [5, 10, 20, 40, 80, 160, 320];

/**
 * Who delivers: the request that wrote the change (its reply waits for the target, not for the queue row's
 * removal, which follows it: TrailingWrites), the worker, or the worker's probe of a failing target.
 */
export type AttemptBy = 'inline' | 'worker' | 'probe';

/** Puts a writer's deferred writes on the delivery's closing writes (deliverNow). */
export type CarriedWrites = (closing: ClosingWrites) => void;

/** What the writer of a change hands its delivery within the request, each sparing it work. */
export interface InlineDelivery {
  /** The lease the enqueue took for this delivery (ChangeDelivery.inlineLease), when it took one. */
  readonly holder?: string;
  /** The object as the write left it, which spares the processor a read (ChangeProcessor.process). */
  readonly current?: CurrentState;
  /**
   * The writer's own deferred writes (its activity audit line), sent with the delivery's closing statement;
   * only with a leased row, where the delivery is sure to run.
   */
  readonly carried?: CarriedWrites;
  /** The object the writer derived the change from (ChangeProcessor.process). */
  readonly seen?: SeenObject;
}

/**
 * Hands queued changes to the ChangeProcessor and records the result: success removes the row (unless a newer
 * change merged in meanwhile), failure schedules a retry with back-off or, after `maxAttempts`, marks it dead.
 * Used right after the managed write commits (`deliverNow`) and by the background worker (`deliverDue`).
 *
 * After an outage every waiting change sits out its own back-off (up to 5 min). So that they do not, one
 * waiting change is tried every `probeIntervalMs` regardless of its back-off, and the first success after a
 * failure makes every waiting change due at once.
 */
@Injectable()
export class ChangeDelivery {
  private readonly logger = new Logger('ChangeDelivery');
  /**
   * This process's lease name: the node id, then pid and a random part (two apps in one process stay apart).
   * The node id comes first so that a restarted node can tell its earlier run's leases (reclaimEarlierLeases).
   */
  readonly workerName: string;
  private failing = false;
  private inlineLeases = 0;
  private lastProbe = 0;

  constructor(
    private readonly store: ChangeQueueStore,
    private readonly config: SyncDeliveryConfig,
    @Optional() private processor?: ChangeProcessor,
    @Optional() private readonly metrics?: SyncQueueMetrics,
  ) {
    this.workerName = `${leasePrefix(config.nodeId)}${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /**
   * A node killed mid-delivery leaves its rows leased for up to `leaseMs`. When it starts again (same node
   * id) no earlier run of it can still hold them, so they are due at once rather than after the lease.
   */
  async reclaimEarlierLeases(): Promise<number> {
    return this.store.releaseLeases(leasePrefix(this.config.nodeId), this.workerName);
  }

  /** Binds the processor when DI has none (embedding, tests); the app binds the sync engine's through DI. */
  use(processor: ChangeProcessor): void {
    this.processor = processor;
  }

  /** False when a processor is bound and no mapping takes changes of `resource`: nothing to record then. */
  wants(resource: string): boolean {
    return this.processor?.wants(resource) ?? true;
  }

  /** Which of a batch of objects the engine created or updated need no delivery (ChangeProcessor.settleWritten). */
  settleWritten(
    tx: SqlExecutor,
    resource: string,
    written: readonly WrittenObject[],
  ): Promise<readonly boolean[]> {
    return this.processor?.settleWritten(tx, resource, written) ?? Promise.resolve(written.map(() => false));
  }

  /** What the delivery of this change would read first, to be read by the write's statement (ChangeProcessor). */
  companionOf(resource: string, objectId: string): WriteCompanion | undefined {
    return this.processor?.companionOf(resource, objectId);
  }

  get ready(): boolean {
    return this.processor !== undefined;
  }

  /**
   * The lease a writer asks for when it records a change it delivers right after its commit
   * (NewChange.leaseTo). The holder is unique to that one delivery, so that the enqueue can tell whether it
   * took the lease itself or found one (this node's worker's, say) still running. None while no processor
   * is bound: nothing would deliver the row, which must stay free for whoever binds one.
   */
  inlineLease(): { readonly holder: string; readonly leaseMs: number } | undefined {
    if (!this.processor) return undefined;
    return { holder: `${this.workerName}:${++this.inlineLeases}`, leaseMs: this.config.queue.leaseMs };
  }

  /**
   * Delivers one just-committed change within the request. Never throws: a failure is recorded for retry and
   * the managed write stands. A row leased by a worker (delivering an older version) is left to it. A row the
   * enqueue leased already (`ref.leased`, to `via.holder`) is delivered without a claim.
   */
  async deliverNow(ref: EnqueuedRef, via: InlineDelivery = {}): Promise<void> {
    if (!this.processor) return;
    try {
      if (ref.leased !== undefined && via.holder !== undefined) {
        await this.attempt(ref.leased, via.holder, 'inline', via);
        return;
      }
      const change = await this.claimWhenFree(ref.id);
      if (change) await this.attempt(change, this.workerName, 'inline', { seen: via.seen });
    } catch (error) {
      this.logger.warn(
        { err: error },
        `Could not deliver queued change ${ref.id} now; the worker will retry`,
      );
    }
  }

  /**
   * The row, leased to this delivery, once whoever holds it lets go: another node's delivery of the object's
   * previous change (a delivered row stays leased until its removal, DeliveredRows, and another node's next write
   * of the object does not wait for that as this node's does: TrailingWrites), or a worker. Without the wait the
   * reply would come before the target has the change. Null when the row is gone, delivered by its holder, or is
   * still held after the pauses. No wait while deliveries are failing (the target down): the holder's attempt
   * and this one would fail alike, and the worker retries the newest state anyway.
   */
  private async claimWhenFree(id: string): Promise<QueuedChange | null> {
    const leaseMs = this.config.queue.leaseMs;
    if (this.failing) return this.store.claimOne(id, this.workerName, leaseMs);
    for (const pauseMs of CLAIM_PAUSES_MS) {
      const change = await this.store.claimOne(id, this.workerName, leaseMs);
      if (change !== null) return change;
      if (!(await this.store.isLeased(id))) return this.store.claimOne(id, this.workerName, leaseMs);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    return null;
  }

  /** One worker pass as `worker`: a probe if deliveries are failing, then every due change; returns how many ran. */
  async deliverDue(worker: string = this.workerName, limit = this.config.queue.batchSize): Promise<number> {
    if (!this.processor) return 0;
    let handled = 0;
    const now = Date.now();
    if (this.failing && now - this.lastProbe >= this.config.queue.probeIntervalMs) {
      this.lastProbe = now;
      const probe = await this.store.claimProbe(worker, this.config.queue.leaseMs);
      if (probe) {
        await this.attempt(probe, worker, 'probe');
        handled++;
      }
    }
    const due = await this.store.claimDue(worker, limit, this.config.queue.leaseMs);
    for (const change of due) await this.attempt(change, worker, 'worker');
    return handled + due.length;
  }

  private async attempt(
    change: QueuedChange,
    worker: string,
    kind: AttemptBy,
    { current, carried, seen }: InlineDelivery = {},
  ): Promise<void> {
    const processor = this.processor;
    if (!processor) return;
    let failure: string | null;
    // The audit lines of the delivery go with the statement that removes its row: one round trip less.
    const closing = this.store.closingWrites();
    carried?.(closing);
    try {
      // The writer's basis as handed over, else as the row keeps it (a retry, or a claim after the write).
      const outcome = await processor.process(change, current, closing, seen ?? change.seen);
      failure = outcome.status === 'SUCCESS' ? null : outcome.message;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (failure === null) {
      this.metrics?.attempted(kind, 'delivered');
      if (kind === 'inline') this.store.completeAfterReply(change, worker, closing);
      else await this.store.complete(change, worker, closing);
      if (this.failing || change.attempts > 0) await this.recovered();
      return;
    }
    await closing.flush().catch((error: unknown) => {
      // The attempt is recorded below either way; losing its audit lines must not stop that.
      this.logger.warn(
        `Audit of a failed delivery not written: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    this.failing = true;
    if (kind === 'probe') {
      this.metrics?.attempted(kind, 'probe_failed');
      await this.store.release(change, worker, failure);
      return;
    }
    const attempts = change.attempts + 1;
    const dead = exhausted(attempts, this.config.queue.maxAttempts);
    const delayMs = retryDelayMs(attempts, this.config.queue.backoff, Math.random);
    this.metrics?.attempted(kind, dead ? 'dead' : 'retry');
    await this.store.fail(change, worker, failure, dead ? { dead: true } : { dead: false, delayMs });
    const what = `${change.resource}/${change.objectId} (${change.operation}, queue id ${change.id})`;
    if (dead)
      this.logger.error(
        `Sync of ${what} failed ${attempts} times; moved to the dead-letter list: ${failure}`,
      );
    else this.logger.warn(`Sync of ${what} failed (attempt ${attempts}), retry in ${delayMs} ms: ${failure}`);
  }

  /** The target answers again: what waited out a back-off is due now. */
  private async recovered(): Promise<void> {
    this.failing = false;
    const count = await this.store.pullForward();
    if (count > 0) this.logger.log(`Deliveries succeed again; ${count} waiting changes are due now`);
  }
}

/** Node ids may contain ':' (host:port), so a character they do not end with closes them. */
function leasePrefix(nodeId: string): string {
  return `${nodeId}|`;
}
