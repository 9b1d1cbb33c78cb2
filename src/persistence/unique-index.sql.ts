import { createHash } from 'node:crypto';
import { quoteLiteral } from './searchable-index.sql';

/**
 * `unique: true` properties of managed.json (userName) are enforced by a partial unique index per type and
 * property, so two concurrent creates cannot both win. Names are hashed: types and properties come from config.
 */
export function uniqueIndexName(objectType: string, property: string): string {
  const safe = `${objectType}_${property}`
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .slice(0, 30)
    .toLowerCase();
  const hash = createHash('sha256').update(`${objectType}\u0000${property}`).digest('hex').slice(0, 8);
  return `mo_uq_${safe}_${hash}`;
}

export function uniqueIndexSql(objectType: string, property: string): string {
  return (
    `CREATE UNIQUE INDEX IF NOT EXISTS "${uniqueIndexName(objectType, property)}" ON managed_objects ` +
    `((doc->>${quoteLiteral(property)})) WHERE object_type = ${quoteLiteral(objectType)}`
  );
}
