import { unpackedAuditEvents } from './audit-event-packs.sql';

/**
 * Every audit event as a FROM item: the rows of `audit_events`, and the events of the packs
 * (audit-event-packs.sql.ts) unpacked beside them, each with its document in two parts — `own_doc`, its own
 * members, and `shared_doc`, the members its batch stored once (`audit_event_commons`, migration 0009; null
 * for an event stored whole) — and its recon entry as `entry` or, in a pack, `entry_text`. WHOLE_AUDIT_DOC
 * and WHOLE_AUDIT_ENTRY put them together, in the query's own select list, so that a page sorted and cut
 * puts together only its own rows. PostgreSQL pulls the union up into the query around it: filters on
 * `topic`, `id`, `recon_id` and `"timestamp"` still reach the table's indexes, those on `topic` and
 * `recon_id` the packs'. The shared members are read by a subquery rather than a join, for the same reason.
 * `packCondition` narrows the packs unpacked (a condition on `p`, the pack).
 */
export function wholeAuditEvents(packCondition?: string): string {
  return `(
  SELECT e.topic, e.id, e."timestamp", e.recon_id, e.doc AS own_doc,
    (SELECT c.doc FROM audit_event_commons c WHERE c.id = e.common_id) AS shared_doc,
    e.entry, NULL::text AS entry_text
  FROM audit_events e
  UNION ALL
  SELECT topic, id, "timestamp", recon_id, own_doc, shared_doc, entry, entry_text
  FROM (${unpackedAuditEvents(packCondition)}) AS unpacked)`;
}

/** An event's whole document from wholeAuditEvents' parts (`e`): a member is in one part, never both. */
export const WHOLE_AUDIT_DOC = 'coalesce(e.shared_doc || e.own_doc, e.own_doc)';

/** A recon event's entry (its diff and ambiguous targets) from wholeAuditEvents' columns (`e`), or null. */
export const WHOLE_AUDIT_ENTRY = 'coalesce(e.entry_text::jsonb, e.entry)';

/**
 * The part of an event from wholeAuditEvents that holds the top-level member named by `member` (a bound
 * parameter): a member is in the row or in its shared part, never both. A filter on that member reads it
 * there, without merging the document. Over 300,000 events, filters no index serves: 0.12 s on a member of the
 * row, 0.46 s on a shared one, against 1.10 s on the merged document and 0.24 s before the parts existed.
 */
export function auditMemberDocument(member: string): string {
  return `CASE WHEN own_doc ? ${member} THEN own_doc ELSE shared_doc END`;
}

/**
 * One top-level member of an event of wholeAuditEvents (`e`) as jsonb, from its own members or from those it
 * shares (it is in one of them, never both), without putting the whole document together. `member` is a name
 * written in Concord's code.
 */
export function auditMember(member: string): string {
  return `coalesce(e.own_doc -> '${member}', e.shared_doc -> '${member}')`;
}

/** auditMember as text (`->>`): NULL where the member is absent or JSON null. */
export function auditMemberText(member: string): string {
  return `coalesce(e.own_doc ->> '${member}', e.shared_doc ->> '${member}')`;
}
