import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../sync/ports/audit.store';
import type { AgreedEntries, ReconEntryEvent } from '../sync/ports/recon-run.store';
import type { SqlStatement } from './audit-event-rows.sql';
import { entryText, EVENT_APART, SHARED_FROM } from './audit-event-rows.sql';
import { factorBatch } from './factored-batch';
import { textListParam, type TextListParam } from './text-list.param';

/**
 * The columns of `audit_event_packs` (migration 0011) a pack fills, in the order `auditEventPack` selects them:
 * a batch of one run's recon entries as a single row. What the entries share is stored once (`shared`), each
 * entry's own members as an element of `docs`, and `ids`/`entries` beside them by position.
 */
export const AUDIT_PACK_COLUMNS = 'id, topic, recon_id, shared, ids, docs, entry, entries, first_id, last_id';

/**
 * A pack's first and last `_id` (reads by `_id` look for packs between them), found in one pass over its ids:
 * two passes were a seventh of what a pack's insert took.
 */
const PACK_BOUNDS =
  'LATERAL (SELECT min(id) AS first_id, max(id) AS last_id FROM unnest(packed.ids) AS id) AS bounds';

/**
 * A run's recon entries as one row of `audit_event_packs`, or null when the batch cannot be one: fewer than
 * SHARED_FROM entries, or entries of more than one run (a pack belongs to a run, so that a query on the run
 * finds its packs by index). `first` numbers the statement's bind parameters.
 */
export function auditEventPack(entries: readonly ReconEntryEvent[], first: number): SqlStatement | null {
  if (entries.length < SHARED_FROM) return null;
  const { common, rows, shared } = factorBatch(entries, EVENT_APART);
  const reconId = shared['reconId'];
  if (typeof reconId !== 'string') return null;
  const ids = textListParam(entries.map((entry) => entry._id));
  const texts = entries.map(entryText);
  // A batch whose entries are all alike (a CONFIRMED run's: nothing changed) stores its entry once.
  const oneEntry = texts.every((text) => text === texts[0]);
  const entryList = oneEntry ? null : textListParam(texts);
  const param = (k: number): string => `$${first + k}`;
  return {
    sql: `SELECT ${param(0)}::text, 'recon', ${param(1)}::text, ${param(2)}::jsonb, packed.ids, ${param(4)}::jsonb,
            ${oneEntry ? `${param(5)}::jsonb` : 'NULL::jsonb'},
            ${entryList === null ? 'NULL::text[]' : entryList.sql(first + 5)},
            bounds.first_id, bounds.last_id
          FROM (SELECT ${ids.sql(first + 3)} AS ids) AS packed, ${PACK_BOUNDS}`,
    params: [randomUUID(), reconId, common, ids.value, rows, entryList === null ? texts[0] : entryList.value],
  };
}

/**
 * A batch of events of a topic whose ids Concord makes (`<uuid>-<n>`, activity and sync) as one row of
 * `audit_event_packs` in AUDIT_PACK_COLUMNS: what the events share once, each one's own members as an element of
 * `docs`, their ids beside them, and the run they share as `recon_id` (NULL when they have none). Null when the
 * batch cannot be one: fewer than SHARED_FROM events, or events of different runs (the column is the pack's).
 * A first recon of 100k entries writes 200k such events as it creates: as rows, each a heap tuple and two index
 * entries, they took PostgreSQL more time than the creates themselves.
 */
export function eventPack(topic: string, events: readonly AuditEvent[], first: number): SqlStatement | null {
  if (events.length < SHARED_FROM) return null;
  const reconId = events[0]?.['reconId'] ?? null;
  if (reconId !== null && typeof reconId !== 'string') return null;
  if (events.some((event) => (event['reconId'] ?? null) !== reconId)) return null;
  const { common, rows } = factorBatch(events, EVENT_APART);
  const ids = textListParam(events.map((event) => event._id));
  const param = (k: number): string => `$${first + k}`;
  return {
    sql: `SELECT ${param(0)}::text, ${param(1)}::text, ${param(2)}::text, ${param(3)}::jsonb, packed.ids,
            ${param(5)}::jsonb, NULL::jsonb, NULL::text[],
            bounds.first_id, bounds.last_id
          FROM (SELECT ${ids.sql(first + 4)} AS ids) AS packed, ${PACK_BOUNDS}`,
    params: [randomUUID(), topic, reconId, common, ids.value, rows],
  };
}

/** The members of an agreed entry's event that are its own (AgreedEntries), beside those EVENT_APART. */
const AGREED_OWN: ReadonlySet<string> = new Set([
  ...EVENT_APART,
  'timestamp',
  'sourceObjectId',
  'targetObjectId',
]);

/** The columns of `audit_event_packs` a pack of agreed entries fills (migration 0013), as `agreedEventPack` selects them. */
export const AGREED_PACK_COLUMNS = `${AUDIT_PACK_COLUMNS}, timestamps, source_set, source_ids, target_set, target_ids`;

/**
 * Entries in agreement as one row of `audit_event_packs` (AGREED_PACK_COLUMNS), read back as `auditEventPack`'s
 * row of their events would be: what they share from the first event, the one entry they all have, and no
 * `docs`: each entry's timestamp and bare object ids as columns, with the two sets that qualify the ids once.
 * Concord makes neither an event nor any JSON per entry, and PostgreSQL parses none: writing each entry's own
 * members as JSON cost about as much as everything else the pack took, in whichever of the two it was done.
 * Null when there are fewer than SHARED_FROM.
 */
export function agreedEventPack(batch: AgreedEntries, first: number): SqlStatement | null {
  if (batch.ids.length < SHARED_FROM) return null;
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(batch.first)) if (!AGREED_OWN.has(key)) shared[key] = value;
  const lists = [batch.ids, batch.timestamps, batch.sourceIds, batch.targetIds].map(textListParam);
  const [ids, times, sources, targets] = lists as [
    TextListParam,
    TextListParam,
    TextListParam,
    TextListParam,
  ];
  const param = (k: number): string => `$${first + k}`;
  return {
    sql: `SELECT ${param(0)}::text, 'recon', ${param(1)}::text, ${param(2)}::jsonb, packed.ids, NULL::jsonb,
            ${param(3)}::jsonb, NULL::text[],
            bounds.first_id, bounds.last_id,
            ${times.sql(first + 5)}, ${param(6)}::text, ${sources.sql(first + 7)},
            ${param(8)}::text, ${targets.sql(first + 9)}
          FROM (SELECT ${ids.sql(first + 4)} AS ids) AS packed, ${PACK_BOUNDS}`,
    params: [
      randomUUID(),
      batch.first['reconId'],
      JSON.stringify(shared),
      entryText(batch.first),
      ids.value,
      times.value,
      batch.sourceSet,
      sources.value,
      batch.targetSet,
      targets.value,
    ],
  };
}

/** The events of agreed entries, each as the first with its own id, timestamp and object ids. */
export function agreedEvents(batch: AgreedEntries): ReconEntryEvent[] {
  return batch.ids.map((id, i) => ({
    ...batch.first,
    _id: id,
    timestamp: batch.timestamps[i] as string,
    sourceObjectId: `${batch.sourceSet}/${batch.sourceIds[i] as string}`,
    targetObjectId: `${batch.targetSet}/${batch.targetIds[i] as string}`,
  }));
}

/**
 * The events of the packs that meet `packCondition` (on `p`, a pack), one row each, in the columns of
 * wholeAuditEvents: the two parts of the document apart, and the entry as the pack's one `entry` or the
 * event's own `entry_text`. ROWS FROM zips the arrays by position (`entries` is null where the pack stores one
 * `entry` for all). Nothing is put together here: a query that sorts and cuts a page puts together only the
 * rows of the page (a run's 100,000 entries took 0.4 s to build before the sort, for a page of 50). Conditions
 * on `topic` and `recon_id` are the pack's own columns, so they reach the pack's index before anything is
 * unnested.
 */
export function unpackedAuditEvents(packCondition = 'true'): string {
  return `SELECT p.topic, u.id, coalesce(u.doc ->> 'timestamp', u.ts, p.shared ->> 'timestamp') AS "timestamp",
      p.recon_id, coalesce(u.doc, ${AGREED_OWN_DOC}) AS own_doc, p.shared AS shared_doc, p.entry,
      u.entry AS entry_text
    FROM audit_event_packs p,
      ROWS FROM (unnest(p.ids), jsonb_array_elements(p.docs), unnest(p.entries), unnest(p.timestamps),
        unnest(p.source_ids), unnest(p.target_ids)) AS u(id, doc, entry, ts, s, t)
    WHERE ${packCondition}`;
}

/** The own members of an entry of an agreed pack (no `docs`), from its columns as unpackedAuditEvents zips them. */
const AGREED_OWN_DOC = `jsonb_build_object('timestamp', u.ts, 'sourceObjectId', p.source_set || '/' || u.s,
  'targetObjectId', p.target_set || '/' || u.t)`;

/** A pack condition that keeps only the packs whose ids may hold parameter `$n` (its first and last bound them). */
export function packMayHold(n: number): string {
  return `p.last_id >= $${n} AND p.first_id <= $${n}`;
}
