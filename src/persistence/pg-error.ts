import { badRequest } from '../core/errors/domain-error';

/** The fields of a PostgreSQL error that pg, PGlite and TypeORM's QueryFailedError all carry. */
export interface PgErrorFields {
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
  readonly message?: string;
}

/** PostgreSQL error codes the repositories turn into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
/**
 * PostgreSQL refuses NUL in text (22021) and in jsonb (22P05). Valid JSON and URLs can carry it, so it is
 * the client's 400, not a 500.
 */
const NUL_REJECTED = new Set(['22021', '22P05']);

export function pgError(error: unknown): PgErrorFields {
  return typeof error === 'object' && error !== null ? error : {};
}

/** The violated constraint's name: the `constraint` field, else the first quoted name in the message. */
export function violatedConstraint(error: PgErrorFields): string {
  return error.constraint ?? /"([^"]+)"/.exec(error.message ?? '')?.[1] ?? '';
}

/** Rethrows a NUL refusal as BAD_REQUEST; anything else unchanged. */
export function rethrowNul(error: unknown): never {
  if (NUL_REJECTED.has(pgError(error).code ?? '')) {
    throw badRequest('Ids, values and query parameters cannot contain the NUL character (\\u0000)');
  }
  throw error;
}
