import { badRequest, DomainError } from '../core/errors/domain-error';

/** PostgreSQL error code for a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';
/** The primary key of `managed_objects` (object_type, id), as PostgreSQL names it. */
const PRIMARY_KEY = 'managed_objects_pkey';
/**
 * PostgreSQL refuses the NUL character in text (22021, a `\0` in an id, filter value or sort key) and in
 * jsonb (22P05, `"\u0000"` in a document). Valid JSON and URLs can carry it, so it is the client's 400, not a 500.
 */
const NUL_REJECTED = new Set(['22021', '22P05']);

/**
 * A PostgreSQL error of a managed-object statement in the user's terms: text it cannot store (NUL) is a bad
 * request; a unique index violation is a policy failure on that property (403, as OpenIDM reports UNIQUE), the
 * property found in `uniqueIndexes` (index name → [object type, property]); and, through `idTaken` for writes that
 * insert without ON CONFLICT, a primary-key violation names the id that exists. Any other error as it is.
 */
export function inUserTerms(
  error: unknown,
  uniqueIndexes: ReadonlyMap<string, readonly [string, string]>,
  idTaken?: (id: string) => DomainError,
): unknown {
  const pg = error as { code?: string; constraint?: string; message?: string; detail?: string };
  if (pg.code !== undefined && NUL_REJECTED.has(pg.code)) {
    return badRequest('Ids, values and query parameters cannot contain the NUL character (\\u0000)');
  }
  if (pg.code !== UNIQUE_VIOLATION) return error;
  const index = pg.constraint ?? /"([^"]+)"/.exec(pg.message ?? '')?.[1] ?? '';
  if (index === PRIMARY_KEY && idTaken !== undefined) return idTaken(takenId(pg.detail));
  const property = uniqueIndexes.get(index)?.[1] ?? 'unknown';
  return new DomainError('FORBIDDEN', 'Failed policy validation', {
    result: false,
    failedPolicyRequirements: [{ property, policyRequirements: [{ policyRequirement: 'UNIQUE' }] }],
  });
}

/** The id in a primary-key violation's detail: `Key (object_type, id)=(user, <id>) already exists.` */
function takenId(detail: string | undefined): string {
  const key = /^Key \(object_type, id\)=\((.*)\) already exists\.$/.exec(detail ?? '')?.[1] ?? '';
  const comma = key.indexOf(', ');
  return comma < 0 ? key : key.slice(comma + 2);
}
