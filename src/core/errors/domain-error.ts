/**
 * Errors raised anywhere in Concord carry a code from this closed set. One exception filter
 * (src/http/crest-exception.filter.ts) turns codes into HTTP statuses and the CREST error body
 * `{code, reason, message, detail}`; nothing else in the code base knows about HTTP.
 */
export type DomainErrorCode =
  | 'BAD_REQUEST' // 400: malformed input (filter, patch, JSON, parameters)
  | 'UNAUTHORIZED' // 401: no or wrong credentials
  | 'FORBIDDEN' // 403: authenticated but not allowed; also policy (schema) violations as OpenIDM does
  | 'NOT_FOUND' // 404: unknown resource type or id
  | 'METHOD_NOT_ALLOWED' // 405
  | 'NOT_ACCEPTABLE' // 406
  | 'CONFLICT' // 409: uniqueness, sync failures
  | 'PRECONDITION_FAILED' // 412: revision mismatch, If-None-Match on existing
  | 'PAYLOAD_TOO_LARGE' // 413
  | 'UNSUPPORTED_MEDIA_TYPE' // 415
  | 'UNPROCESSABLE' // 422
  | 'NOT_SUPPORTED' // 501
  | 'UNAVAILABLE' // 503: a connected system (LDAP, database) cannot be reached
  | 'CONFIG_INVALID'; // start-up only: a config file failed validation

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message: string, detail?: Record<string, unknown>): DomainError =>
  new DomainError('BAD_REQUEST', message, detail);
export const notFound = (message: string, detail?: Record<string, unknown>): DomainError =>
  new DomainError('NOT_FOUND', message, detail);
export const preconditionFailed = (message: string, detail?: Record<string, unknown>): DomainError =>
  new DomainError('PRECONDITION_FAILED', message, detail);
export const conflict = (message: string, detail?: Record<string, unknown>): DomainError =>
  new DomainError('CONFLICT', message, detail);
export const forbidden = (message: string, detail?: Record<string, unknown>): DomainError =>
  new DomainError('FORBIDDEN', message, detail);
