import type { QueryRequest } from '../core/crest/query-request';
import type { JsonObject } from '../managed/managed-object';
import type { StoreQueryPage } from '../managed/managed-object.store';
import type { SqlExecutor } from '../persistence/sql-database';
import type { SeenObject } from './change-processor.port';
import type { ChangeOperation, QueueEntry, QueuedChange, QueueState } from './queued-change';

export interface NewChange {
  readonly resource: string;
  readonly objectId: string;
  readonly operation: ChangeOperation;
  readonly lastState: JsonObject | null;
  /** Due this many ms from now rather than at once (a change its writer delivers itself right after). */
  readonly delayMs?: number;
  /**
   * Lease the row to `holder` for `leaseMs` in the same statement (the writer delivers it right after the
   * commit, so it spares a claim): taken only when no other lease is running, as `claimOne` would.
   */
  readonly leaseTo?: { readonly holder: string; readonly leaseMs: number };
  /** The object live sync read and derived this change from (QueuedChange.seen); absent for other writers. */
  readonly seen?: SeenObject;
  /** An update's object before it, as a read returned it (QueuedChange.oldState); absent: sync the whole state. */
  readonly oldState?: JsonObject;
}

/** A change whose object id and last state come from the write it follows (enqueueAfterWrite). */
export type FollowingChange = Omit<NewChange, 'objectId' | 'lastState'>;

/** The row a change landed in, and its version after the merge. */
export interface EnqueuedRef {
  readonly id: string;
  readonly version: number;
  /** The row as leased to `NewChange.leaseTo`'s holder; absent when no lease was asked for or another held it. */
  readonly leased?: QueuedChange;
}

/**
 * Writes a delivery makes that nobody reads back (its audit lines): they wait for the delivery's closing
 * statement (`complete`) and go with it, or are sent on their own by `flush` when the delivery ends otherwise.
 */
export interface ClosingWrites extends SqlExecutor {
  flush(): Promise<void>;
}

/** What waits in one state of the queue: how many changes, and since when the oldest (null when none). */
export interface QueueBacklog {
  readonly state: QueueState;
  readonly changes: number;
  readonly oldestAgeSeconds: number | null;
}

/** How a failed delivery is recorded: back to pending after `delayMs`, or dead. */
export type FailureDisposition = { readonly dead: true } | { readonly dead: false; readonly delayMs: number };

/** Port: the durable change queue (persistence/sync-queue.repository.ts on PostgreSQL or PGlite). */
export abstract class ChangeQueueStore {
  /** Inserts or merges the object's row inside the caller's transaction; due now, or after `delayMs`. */
  abstract enqueue(tx: SqlExecutor, change: NewChange): Promise<EnqueuedRef>;
  /**
   * `enqueue` as the follower of the managed write about to be sent through `tx` (SqlExecutor.follow): in
   * its statement, only if it wrote a row, whose id (and, for a delete, whose document as last state) it
   * takes. Resolves once that write has run: null when it wrote nothing.
   */
  abstract enqueueAfterWrite(tx: SqlExecutor, change: FollowingChange): Promise<EnqueuedRef | null>;
  /** `enqueue` for many objects in one statement (a batch's creates); one object at most once per call. */
  abstract enqueueMany(tx: SqlExecutor, changes: readonly NewChange[]): Promise<void>;
  /**
   * Leases up to `limit` due pending rows to `worker` for `leaseMs` (`FOR UPDATE SKIP LOCKED`, so concurrent
   * workers never get the same row while a lease holds).
   */
  abstract claimDue(worker: string, limit: number, leaseMs: number): Promise<QueuedChange[]>;
  /** Leases one given pending row, due or not, when no one else holds it; null otherwise. */
  abstract claimOne(id: string, worker: string, leaseMs: number): Promise<QueuedChange | null>;
  /** Whether the row is pending and leased (to anyone): a delivery of it is under way. */
  abstract isLeased(id: string): Promise<boolean>;
  /** Leases the pending row that failed longest ago, ignoring its back-off (a probe of the target). */
  abstract claimProbe(worker: string, leaseMs: number): Promise<QueuedChange | null>;
  /** Where one delivery's writes wait for its closing statement (ClosingWrites). */
  abstract closingWrites(): ClosingWrites;
  /**
   * Removes the row if it still holds this version; else releases the lease and leaves it due now. What
   * `closing` holds is written in the same statement.
   */
  abstract complete(change: QueuedChange, worker: string, closing?: ClosingWrites): Promise<boolean>;
  /** `complete` after the caller's reply (TrailingWrites): reads of the queue and the audit wait for it. */
  abstract completeAfterReply(change: QueuedChange, worker: string, closing?: ClosingWrites): void;
  /** Records a failed delivery and releases the lease. */
  abstract fail(
    change: QueuedChange,
    worker: string,
    error: string,
    disposition: FailureDisposition,
  ): Promise<void>;
  /** Releases the lease without counting an attempt (a failed probe). */
  abstract release(change: QueuedChange, worker: string, error: string): Promise<void>;
  /**
   * Releases, due now, the rows leased by holders whose name starts with `holderPrefix` but not with
   * `except` (an earlier run of this node, killed mid-delivery); returns how many.
   */
  abstract releaseLeases(holderPrefix: string, except: string): Promise<number>;
  /** Makes every pending row that is waiting out a back-off due now; returns how many. */
  abstract pullForward(): Promise<number>;
  abstract read(id: string): Promise<QueueEntry | null>;
  abstract query(request: QueryRequest): Promise<StoreQueryPage>;
  /** Dead → pending, due now, attempts reset; NOT_FOUND when absent. */
  abstract retry(id: string): Promise<QueueEntry>;
  /** Removes the row; NOT_FOUND when absent. */
  abstract remove(id: string): Promise<QueueEntry>;
  /** What waits, state by state (pending, dead), for monitoring; every state, with 0 changes when empty. */
  abstract backlog(): Promise<QueueBacklog[]>;
}
