import { randomUUID } from 'node:crypto';
import type { ReconEntryEvent } from '../sync/ports/recon-run.store';
import { factorBatch } from './factored-batch';
import { textListParam } from './text-list.param';

/** The columns of `audit_events` an append fills, in the order `AuditEventBatch.rows` yields them after the topic. */
export const AUDIT_EVENT_COLUMNS = 'topic, id, "timestamp", recon_id, doc, entry, common_id';

/**
 * From this many events on, a batch stores the members its events share once. A single event (the audit of
 * one request) gains nothing from it and would cost a second row.
 */
export const SHARED_FROM = 8;

/** Members of an event that are columns of their own, never part of the stored document. */
export const EVENT_APART: ReadonlySet<string> = new Set(['_id', 'entryDiff', 'entryAmbiguousTargets']);
/** The `entry` of an UPDATE that changed nothing, the most common entry of all, serialised once. */
const UNCHANGED = JSON.stringify({ diff: [], ambiguousTargetObjectIds: [] });

export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A batch of audit events as SQL fragments, each with bind parameters numbered from the `first` it is given. */
export interface AuditEventBatch {
  /** SELECT of the batch's rows: the columns of AUDIT_EVENT_COLUMNS after `topic`. */
  rows(first: number): SqlStatement;
  /** SELECT of the `(id, doc)` row of `audit_event_commons` the rows refer to; null when they refer to none. */
  commons(first: number): SqlStatement | null;
}

/**
 * A batch of audit events as rows of `audit_events`: the documents without their `_id` as two JSON texts
 * (factored-batch.ts), and beside them, by position, the `_id`s and (recon entries, ReconEntryEvent) each
 * entry's `{diff, ambiguousTargetObjectIds}` as lists of texts (text-list.param.ts). Sent apart, they need no
 * jsonb built or taken apart per row in PostgreSQL: 30,000 recon entries took 0.7 s to insert so against 1.8 s
 * with `_id` and the entry's members taken out of each document in SQL.
 *
 * A batch of SHARED_FROM events or more stores the members they share (run, mapping, user, situation…) once,
 * in `audit_event_commons`, and each row only its own: 100,000 recon entries cost PostgreSQL 0.9 s of CPU and
 * 60 MB so, against 1.5-2.1 s and 116 MB with each row's whole document built as `common || row`.
 * `timestamp` and `reconId` are copied to their columns (migration 0004) from wherever they are.
 */
export function auditEventBatch(events: readonly Readonly<Record<string, unknown>>[]): AuditEventBatch {
  const { common, rows, shared } = factorBatch(events, EVENT_APART);
  const ids = events.map((event) => event['_id']);
  const entries = events.some((event) => 'entryDiff' in event)
    ? events.map((event) => entryText(event as ReconEntryEvent))
    : null;
  // A batch whose entries are all alike (a CONFIRMED run's: nothing changed) sends its entry once, parsed once:
  // parsing it per row was a third of what PostgreSQL spent on the batch's rows.
  const oneEntry = entries !== null && entries.every((text) => text === entries[0]);
  const idList = textListParam(ids as (string | null)[]);
  const entryList = entries === null || oneEntry ? null : textListParam(entries);
  const apartParams =
    entries === null ? [idList.value] : [idList.value, entryList === null ? entries[0] : entryList.value];
  const apart = (i: number, x: number): string =>
    entryList === null
      ? `unnest(${idList.sql(i)}) WITH ORDINALITY AS apart(id, n)`
      : `unnest(${idList.sql(i)}, ${entryList.sql(x)}) WITH ORDINALITY AS apart(id, entry, n)`;
  const entry = (x: number): string =>
    entries === null ? 'NULL::jsonb' : oneEntry ? `$${x}::jsonb` : 'apart.entry::jsonb';

  if (events.length < SHARED_FROM || common === '{}') {
    return {
      rows(first) {
        const [c, r, i, x] = [first, first + 1, first + 2, first + 3];
        return {
          sql: `SELECT apart.id, e->>'timestamp' AS "timestamp", e->>'reconId' AS recon_id, e AS doc,
                  ${entry(x)} AS entry, NULL::text AS common_id
                FROM (SELECT $${c}::jsonb || item AS e, n
                      FROM jsonb_array_elements($${r}::jsonb) WITH ORDINALITY AS batch(item, n)) AS documents
                JOIN ${apart(i, x)} USING (n)`,
          params: [common, rows, ...apartParams],
        };
      },
      commons: () => null,
    };
  }

  const commonId = randomUUID();
  const timestamp = sharedText(shared, 'timestamp');
  const reconId = sharedText(shared, 'reconId');
  return {
    rows(first) {
      const [k, t, rc, r, i, x] = [first, first + 1, first + 2, first + 3, first + 4, first + 5];
      return {
        sql: `SELECT apart.id, coalesce($${t}::text, item->>'timestamp') AS "timestamp",
                coalesce($${rc}::text, item->>'reconId') AS recon_id, item AS doc, ${entry(x)} AS entry,
                $${k}::text AS common_id
              FROM jsonb_array_elements($${r}::jsonb) WITH ORDINALITY AS batch(item, n)
              JOIN ${apart(i, x)} USING (n)`,
        params: [commonId, timestamp, reconId, rows, ...apartParams],
      };
    },
    commons(first) {
      return { sql: `SELECT $${first}::text AS id, $${first + 1}::jsonb AS doc`, params: [commonId, common] };
    },
  };
}

/** A shared member as text for its column, or null when the rows carry it (or it is null). */
function sharedText(shared: Readonly<Record<string, unknown>>, member: string): string | null {
  const value = shared[member];
  return typeof value === 'string' ? value : null;
}

/** An entry's `entry` column: null when it has no diff and no ambiguous targets. */
export function entryText(event: ReconEntryEvent): string | null {
  const diff = event.entryDiff;
  const ambiguous = event.entryAmbiguousTargets ?? [];
  if (ambiguous.length === 0) {
    if (diff === null || diff === undefined) return null;
    if (diff.length === 0) return UNCHANGED;
  }
  return JSON.stringify({ diff: diff ?? null, ambiguousTargetObjectIds: ambiguous });
}
