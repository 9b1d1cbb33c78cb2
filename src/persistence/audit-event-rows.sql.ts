import { factorBatch } from './factored-batch';

/** The columns of `audit_events` an append fills, in the order `auditEventRows` yields them after the topic. */
export const AUDIT_EVENT_COLUMNS = 'topic, id, "timestamp", recon_id, doc, entry';

/**
 * A batch of audit events as the rows of `audit_events` (without the topic): the batch travels as two bind
 * parameters (factored-batch.ts), placed at `$<first>` and `$<first + 1>`. The event's `_id`, `timestamp` and
 * `reconId` are also columns (migration 0004); a recon entry's `entryDiff` and `entryAmbiguousTargets`
 * (ReconEntryEvent) go to `entry` (migration 0007) and out of the stored event, in the pass that takes `_id` out.
 */
export function auditEventRows(
  events: readonly object[],
  first: number,
): { readonly sql: string; readonly params: readonly [string, string] } {
  const { common, rows } = factorBatch(events);
  return {
    sql: `SELECT e->>'_id' AS id, e->>'timestamp' AS "timestamp", e->>'reconId' AS recon_id,
            e - '{_id,entryDiff,entryAmbiguousTargets}'::text[] AS doc,
            CASE WHEN e ? 'entryDiff' THEN jsonb_build_object(
              'diff', e->'entryDiff', 'ambiguousTargetObjectIds', e->'entryAmbiguousTargets') END AS entry
          FROM (SELECT $${first}::jsonb || item AS e
                FROM jsonb_array_elements($${first + 1}::jsonb) AS batch(item)) AS events`,
    params: [common, rows],
  };
}
