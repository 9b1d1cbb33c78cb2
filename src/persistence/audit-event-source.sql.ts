import { unpackedAuditEvents } from './audit-event-packs.sql';

/**
 * `audit_events` as a FROM item whose `doc` is each event's whole document: the members a batch stored once
 * (`audit_event_commons`, migration 0009) merged back, and the events of the packs (audit-event-packs.sql.ts)
 * unpacked beside them. PostgreSQL pulls it up into the query around it, so filters on `topic`, `id`,
 * `recon_id` and `"timestamp"` still reach the table's indexes, and those on `topic` and `recon_id` the packs'.
 * The shared members are read by a subquery rather than a join: a sort under a LIMIT then merges only the rows
 * it returns. `own_doc` and `shared_doc` are the two parts, for conditions that read one member
 * (auditMemberDocument). `packCondition` narrows the packs unpacked (a condition on `p`, the pack).
 */
export function wholeAuditEvents(packCondition?: string): string {
  return `(
  SELECT e.topic, e.id, e."timestamp", e.recon_id, e.entry, e.doc AS own_doc,
    (SELECT c.doc FROM audit_event_commons c WHERE c.id = e.common_id) AS shared_doc,
    coalesce((SELECT c.doc FROM audit_event_commons c WHERE c.id = e.common_id) || e.doc, e.doc) AS doc
  FROM audit_events e
  UNION ALL
  SELECT topic, id, "timestamp", recon_id, entry, own_doc, shared_doc, doc
  FROM (${unpackedAuditEvents(packCondition)}) AS unpacked)`;
}

/**
 * The part of an event from WHOLE_AUDIT_EVENTS that holds the top-level member named by `member` (a bound
 * parameter): a member is in the row or in its shared part, never both. A filter on that member reads it
 * there, without merging the document. Over 300,000 events, filters no index serves: 0.12 s on a member of the
 * row, 0.46 s on a shared one, against 1.10 s on the merged document and 0.24 s before the parts existed.
 */
export function auditMemberDocument(member: string): string {
  return `CASE WHEN own_doc ? ${member} THEN own_doc ELSE shared_doc END`;
}

/** `audit_events e` beside its shared members `c`, for queries that read members one by one (auditMember). */
export const AUDIT_EVENTS_WITH_COMMONS =
  'audit_events e LEFT JOIN audit_event_commons c ON c.id = e.common_id';

/**
 * One top-level member of an event as jsonb, from the event's own members or from those it shares (it is in
 * one of them, never both), without putting the whole document together. `member` is a name written in
 * Concord's code; `own` and `shared` the two parts' expressions (`audit_events e` beside `c` by default).
 */
export function auditMember(member: string, own = 'e.doc', shared = 'c.doc'): string {
  return `coalesce(${own} -> '${member}', ${shared} -> '${member}')`;
}

/** auditMember as text (`->>`): NULL where the member is absent or JSON null. */
export function auditMemberText(member: string, own = 'e.doc', shared = 'c.doc'): string {
  return `coalesce(${own} ->> '${member}', ${shared} ->> '${member}')`;
}
