import { createHash } from 'node:crypto';

/**
 * The expression a declared `string` property is searched by. The property name is SQL text, not a
 * parameter, because the planner only uses the expression index when the query spells the same expression;
 * names come from managed.json and are still quoted as literals.
 */
export function stringPropertySql(property: string): string {
  return `(doc->>${quoteLiteral(property)})`;
}

/**
 * `CREATE INDEX IF NOT EXISTS` for a searchable string property of one object type. `text_pattern_ops`
 * serves `=`, `LIKE 'prefix%'` and the byte-order comparisons (`~<~`, `~>=~`, ...) that
 * query-filter.sql.ts emits, whatever the database collation; `object_type` leads because every query
 * is scoped to one type. Index names are limited to 63 bytes, so the readable part is cut and a hash of
 * the exact (type, property) pair keeps names unique.
 */
export function searchableIndexSql(objectType: string, property: string): string {
  const hash = createHash('sha256').update(`${objectType}\u0000${property}`).digest('hex').slice(0, 10);
  const name = `mo_idx_${sanitize(objectType)}_${sanitize(property)}`.slice(0, 63 - hash.length - 1);
  return (
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${name}_${hash}`)} ON managed_objects ` +
    `(object_type, ${stringPropertySql(property)} text_pattern_ops)`
  );
}

function sanitize(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 24) || 'x'
  );
}

/**
 * A SQL string literal, as PostgreSQL's quote_literal writes it: quotes doubled, and with backslashes
 * present the `E''` form with doubled backslashes, so the text is the same whatever
 * `standard_conforming_strings` says. NUL cannot be stored in PostgreSQL text at all.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) throw new Error('SQL text cannot contain NUL characters');
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new Error('SQL identifiers cannot contain NUL characters');
  return `"${name.replace(/"/g, '""')}"`;
}
