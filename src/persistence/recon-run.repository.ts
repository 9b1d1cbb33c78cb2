import { Injectable } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import { conflict, notFound } from '../core/errors/domain-error';
import type { StoreQueryPage } from '../managed/managed-object.store';
import {
  ReconRunStore,
  type AgreedEntries,
  type ReconEntryEvent,
  type ReconRunRecord,
  type ReconSummary,
  type MappingReconStatus,
} from '../sync/ports/recon-run.store';
import { AUDIT_EVENT_COLUMNS, auditEventBatch, type SqlStatement } from './audit-event-rows.sql';
import { auditMember, auditMemberText, WHOLE_AUDIT_ENTRY, wholeAuditEvents } from './audit-event-source.sql';
import type { DocumentSource } from './document-select.sql';
import { queryDocumentPage } from './document-query';
import {
  AGREED_PACK_COLUMNS,
  agreedEventPack,
  agreedEvents,
  AUDIT_PACK_COLUMNS,
  auditEventPack,
} from './audit-event-packs.sql';
import { pgError, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, rethrowNul } from './pg-error';
import { SqlDatabase, type SqlExecutor } from './sql-database';

interface RunRow {
  id: string;
  mapping: string;
  node_id: string;
  cancel_requested: boolean;
  heartbeat_at: string;
  summary: ReconSummary;
}

/** A run's entries as recorded before migration 0007, for the runs that have some. */
const LEGACY_ENTRIES = `UNION ALL
  SELECT lpad(seq::text, 19, '0'), 0::bigint, doc FROM recon_entries WHERE recon_id = $1`;

/** Entries per INSERT statement; a run appends its entries in batches of about this size. */
const INSERT_CHUNK = 1_000;
/** Timestamps leave PostgreSQL as ISO-8601 UTC text, the same on pg and PGlite (which parse timestamptz differently). */
const RUN_COLUMNS = `id, mapping, node_id, cancel_requested, summary,
  to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS heartbeat_at`;

/**
 * Recon runs in `recon_runs`, one row per run with the §4.3 summary as a document, and their per-entry
 * results in the rows of their `audit/recon` events (migration 0007). `state` is copied from the summary so
 * that active runs are found by an index. Heartbeats use the database clock: every node compares against the
 * same clock.
 */
@Injectable()
export class ReconRunRepository extends ReconRunStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async create(run: ReconRunRecord): Promise<void> {
    await this.run(run.id, () =>
      this.db.query(
        `INSERT INTO recon_runs (id, mapping, node_id, state, heartbeat_at, cancel_requested, summary)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::jsonb)`,
        [
          run.id,
          run.mapping,
          run.nodeId,
          run.summary.state,
          run.heartbeatAt,
          run.cancelRequested,
          JSON.stringify(run.summary),
        ],
      ),
    );
  }

  /**
   * An ended run is final: a late write from a node that another node declared dead (a process that was
   * frozen, not killed) does not bring it back to ACTIVE. That node then reads `cancel_requested` and stops.
   */
  async saveSummary(id: string, summary: ReconSummary): Promise<void> {
    const rows = await this.run(id, () =>
      this.db.query(
        `UPDATE recon_runs SET summary = $2::jsonb, state = $3, heartbeat_at = clock_timestamp()
         WHERE id = $1 AND state = 'ACTIVE' RETURNING id`,
        [id, JSON.stringify(summary), summary.state],
      ),
    );
    if (rows.length > 0) return;
    const known = await this.db.query('SELECT 1 FROM recon_runs WHERE id = $1', [id]);
    if (known.length === 0) throw runNotFound(id);
  }

  async get(id: string): Promise<ReconRunRecord | null> {
    const rows = await this.run(id, () =>
      this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM recon_runs WHERE id = $1`, [id]),
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(limit: number): Promise<ReconRunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `SELECT * FROM (
         SELECT ${RUN_COLUMNS}, started_at FROM recon_runs ORDER BY started_at DESC, id DESC LIMIT $1
       ) AS recent ORDER BY started_at, id`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map(toRecord);
  }

  async latestByMapping(mappings: readonly string[]): Promise<MappingReconStatus[]> {
    // Each mapping's latest runs through recon_runs_mapping (migration 0016), the active ones through
    // recon_runs_active: a scrape reads a few rows per mapping, however long the history. `r.mapping` leads the
    // ORDER BY so that only that index gives the order: ordered by time alone, the planner chose to walk all runs
    // backwards by start time (100k runs: 22 ms, against 0.1 ms).
    const rows = await this.db.query<{
      mapping: string;
      active: number;
      last_state: string | null;
      last_duration_ms: number | null;
      last_success_at: number | null;
    }>(
      `SELECT m.mapping,
              (SELECT count(*) FROM recon_runs r WHERE r.state = 'ACTIVE' AND r.mapping = m.mapping)::int AS active,
              last.state AS last_state, last.duration_ms AS last_duration_ms,
              success.ended_at AS last_success_at
       FROM unnest($1::text[]) AS m(mapping)
       LEFT JOIN LATERAL (
         SELECT r.state, (r.summary->>'duration')::float8 AS duration_ms FROM recon_runs r
         WHERE r.mapping = m.mapping AND r.state <> 'ACTIVE' ORDER BY r.mapping DESC, r.started_at DESC, r.id DESC LIMIT 1
       ) AS last ON true
       LEFT JOIN LATERAL (
         SELECT extract(epoch FROM NULLIF(r.summary->>'ended', '')::timestamptz)::float8 AS ended_at FROM recon_runs r
         WHERE r.mapping = m.mapping AND r.state = 'SUCCESS' ORDER BY r.mapping DESC, r.started_at DESC, r.id DESC LIMIT 1
       ) AS success ON true
       ORDER BY m.mapping`,
      [mappings],
    );
    return rows
      .filter((row) => row.active > 0 || row.last_state !== null)
      .map((row) => ({
        mapping: row.mapping,
        active: row.active,
        lastState: row.last_state,
        lastDurationSeconds: row.last_duration_ms === null ? null : row.last_duration_ms / 1000,
        lastSuccessAt: row.last_success_at,
      }));
  }

  async requestCancel(id: string): Promise<boolean> {
    const rows = await this.run(id, () =>
      this.db.query('UPDATE recon_runs SET cancel_requested = true WHERE id = $1 RETURNING id', [id]),
    );
    return rows.length > 0;
  }

  async activeRuns(): Promise<ReconRunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM recon_runs WHERE state = 'ACTIVE' ORDER BY started_at, id`,
    );
    return rows.map(toRecord);
  }

  /**
   * One INSERT per chunk: a chunk of one run's entries is one row of `audit_event_packs` (migration 0011);
   * a smaller or mixed one a row per entry in `audit_events` (an entry is its audit event's row, migration
   * 0007) beside one row of `audit_event_commons` for the members its entries share (migration 0009). The
   * chunk's runs are checked in the same statement, which writes all of the chunk or, with a run unknown,
   * nothing.
   */
  async appendEntries(entries: readonly ReconEntryEvent[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = async (executor: SqlExecutor): Promise<void> => {
      for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
        const chunk = entries.slice(start, start + INSERT_CHUNK);
        const runIds = [...new Set(chunk.map((entry) => String(entry['reconId'])))];
        await this.insertChecked(executor, runIds, chunk.length, packInsert(chunk) ?? rowsInsert(chunk));
      }
    };
    if (entries.length <= INSERT_CHUNK) await insert(this.db);
    else await this.db.transaction(insert);
  }

  /** One pack of the agreed entries (a recon's batches are smaller than INSERT_CHUNK); a few as appendEntries. */
  async appendAgreed(batch: AgreedEntries): Promise<void> {
    const pack = agreedEventPack(batch, 3);
    if (pack === null) return this.appendEntries(agreedEvents(batch));
    const runId = String(batch.first['reconId']);
    await this.insertChecked(this.db, [runId], batch.ids.length, packWrite(pack, AGREED_PACK_COLUMNS));
  }

  /** Runs a `written` statement (packInsert, rowsInsert) for `count` entries of the runs `runIds`. */
  private async insertChecked(
    executor: SqlExecutor,
    runIds: readonly string[],
    count: number,
    { sql, params }: SqlStatement,
  ): Promise<void> {
    const [written] = await this.run(runIds.join(', '), () =>
      executor.query<{ n: number }>(`${sql} SELECT coalesce(sum(n), 0)::int AS n FROM written`, [
        runIds,
        runIds.length,
        ...params,
      ]),
    );
    if (written?.n !== count) throw runNotFound(runIds.join(', '));
  }

  /**
   * Entries of one run in the run's order unless `_sortKeys` say otherwise, each built from its audit event
   * (`_id` the event's, whose counter is zero-padded so that text order is the run's order). Runs recorded
   * before migration 0007 have theirs in `recon_entries` (`_id` their position, 19 zero-padded digits).
   *
   * A page in the run's order comes straight from the index on (topic, recon_id, id) as long as the planner
   * expects most of the run's events to be entries. Two things kept it from that, each costing a sort of the
   * whole run (350 ms a page at 100,000 entries, against 0.4 ms): a UNION with `recon_entries` for runs that
   * have nothing there, so that branch is added only for a run that has; and `entryType = 'entry'`, which it
   * guesses matches 0.5% of rows, so the condition leaves out the run's other two events (start, summary)
   * instead — the same rows, as every recon event Concord writes is one of the three.
   *
   * A run's entries written in packs (migration 0011, most of a large run's) are unpacked and sorted for
   * each page, beside the rows' index order (a merge): at 100,000 entries, 30–60 ms a page, and a filter
   * reads every entry of the run (0.4–0.9 s). Each entry is put together only for the page, not before the
   * sort (wholeAuditEvents).
   */
  async queryEntries(reconId: string, request: QueryRequest): Promise<StoreQueryPage> {
    const legacy = await this.db.query('SELECT 1 FROM recon_entries WHERE recon_id = $1 LIMIT 1', [reconId]);
    const source: DocumentSource = {
      sql: `SELECT e.id, 0::bigint AS rev, ${ENTRY_DOCUMENT} AS doc
            FROM ${wholeAuditEvents(`p.recon_id = $1`)} AS e
            WHERE e.topic = 'recon' AND e.recon_id = $1 AND ${auditMemberText('entryType')} NOT IN ('start', 'summary')
            ${legacy.length === 0 ? '' : LEGACY_ENTRIES}`,
      params: [reconId],
    };
    return queryDocumentPage(this.db, source, request);
  }

  private async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = pgError(error).code;
      if (code === PG_UNIQUE_VIOLATION) throw conflict(`Reconciliation with id ${id} already exists`, { id });
      if (code === PG_FOREIGN_KEY_VIOLATION) throw runNotFound(id);
      return rethrowNul(error);
    }
  }
}

/** Whether every run a chunk names exists: its run ids are `$1`, their number `$2`. */
const RUNS_KNOWN = '(SELECT count(*) FROM recon_runs WHERE id = ANY($1::text[])) = $2';

/**
 * A chunk of one run's entries as one row of `audit_event_packs`, or null when it cannot be one: a WITH whose
 * `written` yields, as `n`, the number of entries written — none when a run is unknown.
 */
function packInsert(chunk: readonly ReconEntryEvent[]): SqlStatement | null {
  const pack = auditEventPack(chunk, 3);
  return pack === null ? null : packWrite(pack, AUDIT_PACK_COLUMNS);
}

/** A pack's SELECT of `columns` (parameters from `$3`) as a `written` statement, its entries counted as `n`. */
function packWrite(pack: SqlStatement, columns: string): SqlStatement {
  return {
    sql: `WITH written AS (
            INSERT INTO audit_event_packs (${columns})
            SELECT * FROM (${pack.sql}) AS pack WHERE ${RUNS_KNOWN}
            RETURNING cardinality(ids) AS n)`,
    params: pack.params,
  };
}

/** A chunk as a row per entry, beside the row of the members they share, in packInsert's form. */
function rowsInsert(chunk: readonly ReconEntryEvent[]): SqlStatement {
  const batch = auditEventBatch(chunk);
  const rows = batch.rows(3);
  const commons = batch.commons(3 + rows.params.length);
  const shared =
    commons === null
      ? ''
      : `shared AS (INSERT INTO audit_event_commons (id, doc)
           SELECT * FROM (${commons.sql}) AS common WHERE ${RUNS_KNOWN}),`;
  return {
    sql: `WITH ${shared} written AS (
            INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS})
            SELECT 'recon', * FROM (${rows.sql}) AS rows WHERE ${RUNS_KNOWN}
            RETURNING 1 AS n)`,
    params: [...rows.params, ...(commons?.params ?? [])],
  };
}

/** An entry (ReconEntryRecord) from its audit event in wholeAuditEvents (`e`): its parts and its entry. */
const ENTRY_DOCUMENT = `jsonb_build_object(
    'reconId', e.recon_id,
    'phase', ${auditMember('reconciling')},
    'linkQualifier', ${auditMember('linkQualifier')},
    'situation', coalesce(${auditMemberText('situation')}, ''),
    'action', coalesce(${auditMemberText('action')}, ''),
    'status', ${auditMember('status')},
    'sourceObjectId', ${auditMember('sourceObjectId')},
    'targetObjectId', ${auditMember('targetObjectId')},
    'ambiguousTargetObjectIds', coalesce(${WHOLE_AUDIT_ENTRY}->'ambiguousTargetObjectIds', '[]'::jsonb),
    'message', ${auditMember('message')},
    'diff', coalesce(${WHOLE_AUDIT_ENTRY}->'diff', 'null'::jsonb))`;

function runNotFound(id: string): Error {
  return notFound(`Reconciliation with id ${id} not found.`, { id });
}

function toRecord(row: RunRow): ReconRunRecord {
  return {
    id: row.id,
    mapping: row.mapping,
    nodeId: row.node_id,
    summary: row.summary,
    cancelRequested: row.cancel_requested,
    heartbeatAt: row.heartbeat_at,
  };
}
