import { Injectable } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import { notFound } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import type { StoreQueryPage } from '../managed/managed-object.store';
import {
  ChangeQueueStore,
  type ClosingWrites,
  type EnqueuedRef,
  type FailureDisposition,
  type FollowingChange,
  type NewChange,
  type QueueBacklog,
} from '../sync-queue/change-queue.store';
import type { SeenObject } from '../sync-queue/change-processor.port';
import {
  QUEUE_STATES,
  type ChangeOperation,
  type QueueEntry,
  type QueuedChange,
  type QueueState,
} from '../sync-queue/queued-change';
import { DeliveredRows } from './delivered-rows';
import { buildDocumentCount, buildDocumentSelect } from './document-select.sql';
import { rethrowNul } from './pg-error';
import { SqlDatabase, type SqlExecutor } from './sql-database';
import { parseId, parseIdOrNull } from './queue-id';
import {
  dueAndLease,
  ENQUEUED_COLUMNS,
  enqueuedReturning,
  LEASE_FREE,
  MERGE_INTO_ROW,
  QUEUE_DOCUMENTS,
  QUEUE_ROW_COLUMNS,
} from './sync-queue.sql';

interface Row {
  id: string | number;
  resource: string;
  object_id: string;
  operation: ChangeOperation;
  last_state: JsonObject | null;
  attempts: number;
  version: string | number;
  state: QueueState;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  locked_by: string | null;
  locked_until: string | null;
  seen: SeenObject | null;
  old_state: JsonObject | null;
}

function timing(change: FollowingChange): [number, string | null, number] {
  return [change.delayMs ?? 0, change.leaseTo?.holder ?? null, change.leaseTo?.leaseMs ?? 0];
}

/** The `seen` and `old_state` columns' values of a change: the objects themselves, which pg stores as JSON. */
function basesOf(change: FollowingChange): [SeenObject | null, JsonObject | null] {
  return [change.seen ?? null, change.operation === 'update' ? (change.oldState ?? null) : null];
}

type EnqueuedRow = Row & { leased: boolean };

function toRef(row: EnqueuedRow): EnqueuedRef {
  const ref = { id: String(row.id), version: Number(row.version) };
  return row.leased ? { ...ref, leased: toChange(row) } : ref;
}

/**
 * The implicit-sync outbox in `sync_queue` (migration 0006). Hand-written rather than pg-boss or
 * graphile-worker: both open their own pg connections, so they can neither join the managed write's
 * transaction through our SqlExecutor (the enqueue must commit or roll back with the write) nor share
 * PGlite's single in-process connection, which is Concord's embedded default.
 */
@Injectable()
export class SyncQueueRepository extends ChangeQueueStore {
  /** The removal of delivered rows, with the writes that ride on it. */
  private readonly delivered: DeliveredRows;

  constructor(private readonly db: SqlDatabase) {
    super();
    this.delivered = new DeliveredRows(db);
  }

  async enqueue(tx: SqlExecutor, change: NewChange): Promise<EnqueuedRef> {
    const rows = await tx
      .query<EnqueuedRow>(
        `INSERT INTO sync_queue (${ENQUEUED_COLUMNS})
         VALUES ($1, $2, $3, $4, ${dueAndLease(5)}, $8::jsonb, $9::jsonb)
         ${MERGE_INTO_ROW}
         ${enqueuedReturning(6)}`,
        [
          change.resource,
          change.objectId,
          change.operation,
          change.lastState,
          ...timing(change),
          ...basesOf(change),
        ],
      )
      .catch(rethrowNul);
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toRef(row);
  }

  async enqueueAfterWrite(tx: SqlExecutor, change: FollowingChange): Promise<EnqueuedRef | null> {
    if (!tx.follow) throw new Error('enqueueAfterWrite needs an executor that lets a write follow another');
    // A delete's last state is the document it removed: the delivery needs it once the object is gone.
    const row = await tx
      .follow<EnqueuedRow>(
        `INSERT INTO sync_queue (${ENQUEUED_COLUMNS})
         SELECT $1, written.id, $2::text, CASE WHEN $2::text = 'delete' THEN written.doc END, ${dueAndLease(3)},
                $6::jsonb, $7::jsonb
         FROM concord_written AS written LIMIT 1
         ${MERGE_INTO_ROW}
         ${enqueuedReturning(4)}`,
        [change.resource, change.operation, ...timing(change), ...basesOf(change)],
      )
      .catch(rethrowNul);
    return row ? toRef(row) : null;
  }

  async enqueueMany(tx: SqlExecutor, changes: readonly NewChange[]): Promise<void> {
    if (changes.length === 0) return;
    // One JSON parameter rather than one placeholder per value: no limit on the batch's size.
    const rows = changes.map((change) => [
      change.resource,
      change.objectId,
      change.operation,
      change.lastState,
    ]);
    await tx
      .query(
        `INSERT INTO sync_queue (resource, object_id, operation, last_state, next_attempt_at)
         SELECT c->>0, c->>1, c->>2, NULLIF(c->3, 'null'::jsonb),
                now() + (c->>4)::double precision * interval '1 millisecond'
         FROM jsonb_array_elements($1::jsonb) AS changes(c)
         ${MERGE_INTO_ROW}`,
        [JSON.stringify(rows)],
      )
      .catch(rethrowNul);
  }

  async claimDue(worker: string, limit: number, leaseMs: number): Promise<QueuedChange[]> {
    const rows = await this.db.query<Row>(
      `UPDATE sync_queue SET locked_by = $1, locked_until = now() + $2::double precision * interval '1 millisecond'
       WHERE id IN (SELECT id FROM sync_queue
                    WHERE state = 'pending' AND next_attempt_at <= now() AND ${LEASE_FREE}
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${QUEUE_ROW_COLUMNS}`,
      [worker, leaseMs, limit],
    );
    return rows.map(toChange).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async claimOne(id: string, worker: string, leaseMs: number): Promise<QueuedChange | null> {
    const rows = await this.db.query<Row>(
      `UPDATE sync_queue SET locked_by = $1, locked_until = now() + $2::double precision * interval '1 millisecond'
       WHERE id = $3 AND state = 'pending' AND ${LEASE_FREE} RETURNING ${QUEUE_ROW_COLUMNS}`,
      [worker, leaseMs, parseId(id)],
    );
    return rows[0] ? toChange(rows[0]) : null;
  }

  async isLeased(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM sync_queue WHERE id = $1 AND state = 'pending' AND NOT ${LEASE_FREE}`,
      [parseId(id)],
    );
    return rows.length > 0;
  }

  async claimProbe(worker: string, leaseMs: number): Promise<QueuedChange | null> {
    const rows = await this.db.query<Row>(
      `UPDATE sync_queue SET locked_by = $1, locked_until = now() + $2::double precision * interval '1 millisecond'
       WHERE id = (SELECT id FROM sync_queue
                   WHERE state = 'pending' AND attempts > 0 AND next_attempt_at > now() AND ${LEASE_FREE}
                   ORDER BY updated_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${QUEUE_ROW_COLUMNS}`,
      [worker, leaseMs],
    );
    return rows[0] ? toChange(rows[0]) : null;
  }

  closingWrites(): ClosingWrites {
    return this.delivered.closingWrites();
  }

  completeAfterReply(change: QueuedChange, worker: string, closing?: ClosingWrites): void {
    this.delivered.completeAfterReply(change, worker, closing);
  }

  complete(change: QueuedChange, worker: string, closing?: ClosingWrites): Promise<boolean> {
    return this.delivered.complete(change, worker, closing);
  }

  async fail(
    change: QueuedChange,
    worker: string,
    error: string,
    disposition: FailureDisposition,
  ): Promise<void> {
    await this.db.query(
      `UPDATE sync_queue SET attempts = attempts + 1, last_error = $3, updated_at = now(),
         locked_by = NULL, locked_until = NULL,
         old_state = CASE WHEN version = $6 THEN old_state END,
         state = CASE WHEN $4::boolean AND version = $6 THEN 'dead' ELSE 'pending' END,
         next_attempt_at = CASE WHEN version = $6 THEN now() + $5::double precision * interval '1 millisecond' ELSE now() END
       WHERE id = $1 AND locked_by = $2`,
      [
        parseId(change.id),
        worker,
        error,
        disposition.dead,
        disposition.dead ? 0 : disposition.delayMs,
        change.version,
      ],
    );
  }

  async release(change: QueuedChange, worker: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE sync_queue SET locked_by = NULL, locked_until = NULL, last_error = $3,
         old_state = CASE WHEN version = $4 THEN old_state END
       WHERE id = $1 AND locked_by = $2`,
      [parseId(change.id), worker, error, change.version],
    );
  }

  async releaseLeases(holderPrefix: string, except: string): Promise<number> {
    const rows = await this.db.query(
      `UPDATE sync_queue SET locked_by = NULL, locked_until = NULL, next_attempt_at = now()
       WHERE locked_by IS NOT NULL AND left(locked_by, length($1)) = $1 AND left(locked_by, length($2)) <> $2
       RETURNING id`,
      [holderPrefix, except],
    );
    return rows.length;
  }

  async pullForward(): Promise<number> {
    const rows = await this.db.query(
      `UPDATE sync_queue SET next_attempt_at = now()
       WHERE state = 'pending' AND next_attempt_at > now() RETURNING id`,
    );
    return rows.length;
  }

  async read(id: string): Promise<QueueEntry | null> {
    const key = parseIdOrNull(id);
    if (key === null) return null;
    await this.db.trailing.settled();
    const rows = await this.db.query<Row>(`SELECT ${QUEUE_ROW_COLUMNS} FROM sync_queue WHERE id = $1`, [key]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async query(request: QueryRequest): Promise<StoreQueryPage> {
    await this.db.trailing.settled();
    const select = buildDocumentSelect(QUEUE_DOCUMENTS, request);
    const rows = await this.db
      .query<{ id: string; rev: string; doc: JsonObject }>(select.sql, select.params)
      .catch(rethrowNul);
    const page = select.page.page(rows);
    let total = -1;
    if (request.totalPagedResultsPolicy !== 'NONE') {
      const count = buildDocumentCount(QUEUE_DOCUMENTS, request);
      const counted = await this.db.query<{ total: string }>(count.sql, count.params);
      total = Number(counted[0]?.total ?? 0);
    }
    return {
      objects: page.rows.map((row) => ({ id: row.id, rev: Number(row.rev), doc: row.doc })),
      nextCookie: page.nextCookie,
      total,
    };
  }

  async retry(id: string): Promise<QueueEntry> {
    const rows = await this.db.query<Row>(
      `UPDATE sync_queue SET state = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now(),
         locked_by = NULL, locked_until = NULL
       WHERE id = $1 RETURNING ${QUEUE_ROW_COLUMNS}`,
      [this.existingId(id)],
    );
    if (!rows[0]) throw missing(id);
    return toEntry(rows[0]);
  }

  async remove(id: string): Promise<QueueEntry> {
    const rows = await this.db.query<Row>(
      `DELETE FROM sync_queue WHERE id = $1 RETURNING ${QUEUE_ROW_COLUMNS}`,
      [this.existingId(id)],
    );
    if (!rows[0]) throw missing(id);
    return toEntry(rows[0]);
  }

  async backlog(): Promise<QueueBacklog[]> {
    await this.db.trailing.settled();
    const rows = await this.db.query<{ state: QueueState; changes: number; oldest: number }>(
      `SELECT state, count(*)::int AS changes, extract(epoch FROM now() - min(created_at))::float8 AS oldest
       FROM sync_queue GROUP BY state`,
    );
    const byState = new Map(rows.map((row) => [row.state, row]));
    return QUEUE_STATES.map((state) => {
      const row = byState.get(state);
      return { state, changes: row?.changes ?? 0, oldestAgeSeconds: row ? Math.max(0, row.oldest) : null };
    });
  }

  private existingId(id: string): string {
    const key = parseIdOrNull(id);
    if (key === null) throw missing(id);
    return key;
  }
}

function missing(id: string) {
  return notFound(`Queued change ${id} not found in sync/queue`);
}

/** Queue ids are positive integers (the identity column); anything else names no row. */

function toChange(row: Row): QueuedChange {
  return {
    id: String(row.id),
    resource: row.resource,
    objectId: row.object_id,
    operation: row.operation,
    lastState: row.last_state,
    attempts: Number(row.attempts),
    version: Number(row.version),
    ...(row.seen ? { seen: row.seen } : {}),
    ...(row.old_state ? { oldState: row.old_state } : {}),
  };
}

function toEntry(row: Row): QueueEntry {
  return {
    ...toChange(row),
    state: row.state,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
  };
}
