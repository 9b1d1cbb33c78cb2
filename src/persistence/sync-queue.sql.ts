import type { DocumentSource } from './document-select.sql';

/**
 * The SQL of the implicit-sync outbox (`sync_queue`, migration 0006) that SyncQueueRepository's statements share:
 * the columns a change is read with, how a new change merges into an object's row, and when a lease is free.
 */

/** A timestamp column as the ISO-8601 text (UTC, milliseconds) that the queue's documents show. */
const iso = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const QUEUE_ROW_COLUMNS = `id, resource, object_id, operation, last_state, attempts, version, state,
  ${iso('next_attempt_at')} AS next_attempt_at, last_error, ${iso('created_at')} AS created_at,
  ${iso('updated_at')} AS updated_at, locked_by, ${iso('locked_until')} AS locked_until, seen, old_state`;

/**
 * A merged change takes the row's lease when it asks for one (EXCLUDED.locked_by) and the lease is free, as
 * claimOne does; otherwise the lease stays as it is (a worker delivering an older version keeps it).
 */
const TAKES_LEASE = `EXCLUDED.locked_by IS NOT NULL
  AND (sync_queue.locked_until IS NULL OR sync_queue.locked_until < now())`;

/**
 * The state before the row's changes (QueuedChange.oldState) after a merge: the oldest, so that the delivery
 * writes everything any of them changed; none after a create (the object is new to its targets) and none when
 * either side has none (a whole-state sync was asked for, and it includes the rest). While the row is leased, a
 * delivery of its older changes is under way (or done, its row not yet removed: DeliveredRows), which writes them
 * — often from another node, whose next write of the object does not wait for that removal: the merged change
 * then changed only what its own old state says, and the oldest would make the delivery take what the earlier
 * one wrote for an edit made in the target (previousTarget). A delivery that fails leaves none (fail, release).
 */
const MERGED_OLD_STATE = `CASE
    WHEN sync_queue.operation = 'create' THEN NULL
    WHEN sync_queue.operation = 'update' AND EXCLUDED.operation = 'update'
      THEN CASE WHEN EXCLUDED.old_state IS NULL THEN NULL
                WHEN sync_queue.locked_until >= now() THEN EXCLUDED.old_state
                ELSE sync_queue.old_state END
    ELSE EXCLUDED.old_state END`;

/**
 * One row per object: a change of an object already queued merges into its row. A create not yet delivered
 * stays a create when an update follows; otherwise the newest operation wins.
 */
export const MERGE_INTO_ROW = `ON CONFLICT (resource, object_id) DO UPDATE SET
  operation = CASE WHEN sync_queue.operation = 'create' AND EXCLUDED.operation = 'update'
                   THEN 'create' ELSE EXCLUDED.operation END,
  last_state = EXCLUDED.last_state, seen = EXCLUDED.seen, old_state = ${MERGED_OLD_STATE},
  version = sync_queue.version + 1, attempts = 0,
  state = 'pending', next_attempt_at = EXCLUDED.next_attempt_at, last_error = NULL, updated_at = now(),
  locked_by = CASE WHEN ${TAKES_LEASE} THEN EXCLUDED.locked_by ELSE sync_queue.locked_by END,
  locked_until = CASE WHEN ${TAKES_LEASE} THEN EXCLUDED.locked_until ELSE sync_queue.locked_until END`;

export const ENQUEUED_COLUMNS =
  'resource, object_id, operation, last_state, next_attempt_at, locked_by, locked_until, seen, old_state';

/**
 * The values of `next_attempt_at`, `locked_by` and `locked_until` from three parameters starting at `$first`:
 * the delay in ms, the lease holder (or null) and the lease in ms (SyncQueueRepository passes them in that order).
 */
export function dueAndLease(first: number): string {
  const [delay, holder, lease] = [first, first + 1, first + 2];
  return `now() + $${delay}::double precision * interval '1 millisecond', $${holder}::text,
          CASE WHEN $${holder}::text IS NULL THEN NULL
               ELSE now() + $${lease}::double precision * interval '1 millisecond' END`;
}

/** RETURNING of an enqueue: the row, and whether the lease went to the holder in parameter `$holder`. */
export function enqueuedReturning(holder: number): string {
  return `RETURNING id, resource, object_id, operation, last_state, attempts, version, seen, old_state,
          locked_by IS NOT DISTINCT FROM $${holder}::text AND $${holder}::text IS NOT NULL AS leased`;
}

/** A lease is free when nobody holds it or its holder let it run out (crashed, or slower than the lease). */
export const LEASE_FREE = '(locked_until IS NULL OR locked_until < now())';

/** The queue as CREST documents for `GET /openidm/sync/queue`; `state` and `resource` are also real columns. */
export const QUEUE_DOCUMENTS: DocumentSource = {
  sql: `SELECT id::text AS id, version AS rev, state, resource, jsonb_build_object(
      'resource', resource, 'objectId', object_id, 'operation', operation, 'state', state,
      'attempts', attempts, 'nextAttemptAt', ${iso('next_attempt_at')}, 'lastError', last_error,
      'createdAt', ${iso('created_at')}, 'updatedAt', ${iso('updated_at')}, 'lockedBy', locked_by,
      'lockedUntil', ${iso('locked_until')}, 'lastState', last_state) AS doc
    FROM sync_queue`,
  params: [],
  textColumns: new Map([
    ['state', 'state'],
    ['resource', 'resource'],
  ]),
};
