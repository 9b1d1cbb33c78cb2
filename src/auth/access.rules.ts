import { ROLE_ADMIN, ROLE_AUTHORIZED, type Principal } from './principal';

/** The parts of an HTTP request that access decisions look at. */
export interface AccessRequest {
  method: string;
  /** path without the query string, still percent-encoded (express `req.path`) */
  path: string;
  /** `_action` query parameter; an array when repeated */
  action: string | string[] | undefined;
  /** parsed JSON body (only looked at for self-service patches) */
  body: unknown;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: AccessDecision = { allowed: true };

/**
 * OpenIDM's access.js reduced to the roles Concord knows:
 * - `openidm-admin`: everything;
 * - anyone authenticated: `GET /openidm/info/login`;
 * - `openidm-authorized` managed user: GET and PATCH (or `POST ?_action=patch`) of
 *   `/openidm/managed/user/<own _id>`, without touching the protected fields
 *   (OpenIDM's `ownDataOnly() && onlyEditableManagedObjectProperties(...)`).
 * Anything else is denied (403).
 */
export function decideAccess(
  principal: Principal,
  request: AccessRequest,
  protectedFields: readonly string[],
): AccessDecision {
  if (principal.roles.includes(ROLE_ADMIN)) {
    return ALLOW;
  }
  const segments = pathSegments(request.path);
  if (segments === null) {
    return deny('malformed path');
  }
  if (request.method === 'GET' && matches(segments, ['openidm', 'info', 'login'])) {
    return ALLOW;
  }
  if (principal.roles.includes(ROLE_AUTHORIZED) && principal.managedUserId !== undefined) {
    return decideSelfService(principal.managedUserId, segments, request, protectedFields);
  }
  return deny('role not allowed');
}

function decideSelfService(
  ownId: string,
  segments: string[],
  request: AccessRequest,
  protectedFields: readonly string[],
): AccessDecision {
  const [, , , id] = segments;
  const ownRecord =
    segments.length === 4 && matches(segments.slice(0, 3), ['openidm', 'managed', 'user']) && id === ownId;
  if (!ownRecord) {
    return deny('not the own record');
  }
  const isPatch = request.method === 'PATCH' || (request.method === 'POST' && request.action === 'patch');
  if (request.method === 'GET' && request.action === undefined) {
    return ALLOW;
  }
  if (!isPatch) {
    return deny('operation not allowed on the own record');
  }
  const touched = patchedProperties(request.body);
  const blocked = touched.find((property) => property === '' || protectedFields.includes(property));
  return blocked === undefined ? ALLOW : deny(`property not editable: ${blocked || '/'}`);
}

/**
 * Top-level properties a CREST patch body writes (`field`, and `from` for move). Entries that
 * are not patch operations are skipped: the patch handler rejects them with 400 anyway.
 * `''` stands for a patch of the whole object.
 */
function patchedProperties(body: unknown): string[] {
  if (!Array.isArray(body)) {
    return [];
  }
  const properties: string[] = [];
  for (const operation of body as unknown[]) {
    if (typeof operation !== 'object' || operation === null) {
      continue;
    }
    const { field, from, operation: kind } = operation as Record<string, unknown>;
    if (typeof field === 'string') {
      properties.push(firstPointerSegment(field));
    }
    // `move` removes `from`; `copy` only reads it.
    if (typeof from === 'string' && kind === 'move') {
      properties.push(firstPointerSegment(from));
    }
  }
  return properties;
}

// CREST accepts `/a/b` and `a/b`; JSON pointer escapes ~1 = '/', ~0 = '~'.
function firstPointerSegment(pointer: string): string {
  const trimmed = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  const first = trimmed.split('/')[0] ?? '';
  return first.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Decoded path segments without the leading empty one, or null when percent-decoding fails.
 * Decoding each segment separately keeps an encoded '/' inside an id from being read as a
 * separator, and `..` stays a literal segment that never equals an id.
 */
function pathSegments(path: string): string[] | null {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
}

// Express routes case-insensitively, so the fixed parts are compared the same way; ids are exact.
function matches(segments: readonly string[], expected: readonly string[]): boolean {
  return (
    segments.length === expected.length &&
    expected.every((part, index) => segments[index]?.toLowerCase() === part)
  );
}

function deny(reason: string): AccessDecision {
  return { allowed: false, reason };
}
