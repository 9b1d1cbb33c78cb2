import { badRequest } from '../errors/domain-error';

/**
 * JSON pointers as CREST writes them (RFC 6901 with CREST's leniency): the leading `/` is optional
 * (`userName` = `/userName`), and both `` and `/` denote the whole document. Inside a token `~1` stands
 * for `/` and `~0` for `~`; any other `~` is an error.
 */
export function parsePointer(text: string): string[] {
  if (text === '' || text === '/') return [];
  const body = text.startsWith('/') ? text.slice(1) : text;
  const offset = text.length - body.length;
  const tilde = /~(?![01])/.exec(body);
  if (tilde) {
    const position = offset + tilde.index;
    throw badRequest(`Invalid JSON pointer '${text}': expected '~0' or '~1' at position ${position}`, {
      pointer: text,
      position,
    });
  }
  // `~1` first, then `~0`, so that `~01` becomes `~1` and not `/`.
  return body.split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The canonical text of a pointer: `/a/b`, with `~` and `/` escaped; the root is `/`. */
export function formatPointer(pointer: readonly string[]): string {
  if (pointer.length === 0) return '/';
  return pointer.map((token) => '/' + escapePointerToken(token)).join('');
}

/** One token of a pointer as written (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function escapePointerToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/**
 * The value at `pointer`, or undefined when a step is missing. Array steps must be canonical
 * non-negative indexes (`0`, `12`; not `01`, `-1`), as RFC 6901 says.
 */
export function getAt(doc: unknown, pointer: readonly string[]): unknown {
  let current: unknown = doc;
  for (const token of pointer) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isPlainObject(current)) {
      if (!Object.prototype.hasOwnProperty.call(current, token)) return undefined;
      current = current[token];
    } else {
      return undefined;
    }
  }
  return current;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
