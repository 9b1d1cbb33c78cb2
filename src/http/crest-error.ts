import type { DomainErrorCode } from '../core/errors/domain-error';

/** The CREST error body (shared/reference/openidm-sync-facts.md §7.5). */
export interface CrestErrorBody {
  code: number;
  reason: string;
  message: string;
  detail?: Record<string, unknown>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** Every domain error code has exactly one HTTP status; the switch is exhaustive so a new code cannot be forgotten. */
export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'CONFIG_INVALID':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'NOT_ACCEPTABLE':
      return 406;
    case 'CONFLICT':
      return 409;
    case 'PRECONDITION_FAILED':
      return 412;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'UNPROCESSABLE':
      return 422;
    case 'NOT_SUPPORTED':
      return 501;
    case 'UNAVAILABLE':
      return 503;
  }
}

/** The body of an error response; `reason` is the standard phrase of `status`. */
export function crestBody(status: number, message: string, detail?: Record<string, unknown>): CrestErrorBody {
  const body: CrestErrorBody = { code: status, reason: reasonOf(status), message };
  if (detail !== undefined) body.detail = detail;
  return body;
}

export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Error';
}
