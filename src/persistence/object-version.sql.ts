/**
 * An object's version (ManagedObjectStore.versionPage): its revision, which every write moves, and the
 * microsecond it was created, which a deleted object created again under its old id does not share.
 */
export function versionSql(rev: string, createdAt: string): string {
  return `${rev}::text || '.' || ((extract(epoch FROM ${createdAt}) * 1000000)::bigint)::text`;
}

/** The version of a row of `managed_objects` read on its own. */
export const VERSION_SQL = versionSql('rev', 'created_at');

/**
 * The links of type `$2`, each with the version of the object of type `$1` it points at under qualifier `$3`,
 * and the objects of type `$1` no such link points at, as rows of LINKED_VERSION_ROW_COLUMNS
 * (ObjectVersions.eachRowWithLinks). One FULL JOIN: a link finds its object through a key that is its
 * `second_id` only under the qualifier, so that an object is on one row, its link's or its own; both tables are
 * scanned once, as the two reads it replaces.
 */
export const LINKED_VERSIONS_SELECT = `SELECT l.first_id, coalesce(l.second_id, m.id), l.link_qualifier, l.id,
    l.rev, l.stamp, CASE WHEN m.id IS NULL THEN NULL ELSE ${versionSql('m.rev', 'm.created_at')} END
  FROM (SELECT first_id, second_id, link_qualifier, id, rev, stamp,
               CASE WHEN link_qualifier = $3 THEN second_id END AS target_key
          FROM links WHERE link_type = $2) l
  FULL JOIN (SELECT id, rev, created_at FROM managed_objects WHERE object_type = $1) m ON m.id = l.target_key`;
