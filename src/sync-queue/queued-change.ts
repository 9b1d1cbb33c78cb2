import type { JsonObject } from '../managed/managed-object';
import type { SeenObject } from './change-processor.port';

export type ChangeOperation = 'create' | 'update' | 'delete';
export const QUEUE_STATES = ['pending', 'dead'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/**
 * A change waiting for implicit sync: an identity, not a value. The processor re-reads the object's current
 * state (level-triggered), so a retry never replays an old value over a newer one; only a delete carries the
 * object's last state, which nothing can re-read any more.
 */
export interface QueuedChange {
  readonly id: string;
  /** `managed/user`. */
  readonly resource: string;
  readonly objectId: string;
  /** The merged operation: create then update stays create; anything then delete is delete. */
  readonly operation: ChangeOperation;
  /** The object as it was deleted (stored document, sealed fields sealed); null unless `operation` is delete. */
  readonly lastState: JsonObject | null;
  /** Failed deliveries so far of this row (reset when a newer change merges in). */
  readonly attempts: number;
  /** Bumped by every merged change: a delivery of an older version does not remove the row. */
  readonly version: number;
  /**
   * What the writer of the newest change derived it from, when that was live sync (SeenObject): every attempt
   * compares against it, the worker's retries as well as the inline one.
   */
  readonly seen?: SeenObject;
  /**
   * For an update, the object before the first change this row holds, as a read returned it (OpenIDM's
   * `oldSource`): the delivery writes what the changes since changed. Absent: the whole state is synced.
   */
  readonly oldState?: JsonObject;
}

/** A row of the queue as `GET /openidm/sync/queue` shows it. */
export interface QueueEntry extends QueuedChange {
  readonly state: QueueState;
  /** ISO-8601 UTC. */
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lockedBy: string | null;
  readonly lockedUntil: string | null;
}

/** What a processor reports; FAILED (or a throw) is retried with back-off, SUCCESS removes the row. */
export type ChangeOutcome =
  { readonly status: 'SUCCESS' } | { readonly status: 'FAILED'; readonly message: string };
