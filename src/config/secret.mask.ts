/**
 * Keeps secrets out of messages. Config problems echo the offending value to help the user ("got string
 * \"strng\""), so every echoed value passes through here first.
 */

// Last JSON path segments whose values are secrets: internal user passwords, hashes, LDAP credentials, keys.
const SECRET_SEGMENT = /pass(word|wd)?$|secret|credential|token|salt|hash|key$/i;

/** Replaces the password of a URL's user-info (`postgres://u:pw@h/db` → `postgres://u:***@h/db`). */
export function maskUrl(url: string): string {
  // A regex rather than `new URL` so malformed URLs (the ones that end up in error messages) are masked too.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#\s]*):[^@/?#\s]*@/i, '$1:***@');
}

/** Masks the password of any URL inside a free text. */
export function maskUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, (url) => maskUrl(url));
}

/** Whether the value at this JSON path is a secret that must never be echoed. */
export function isSecretPath(segments: readonly (string | number)[]): boolean {
  if (segments.includes('$crypto')) return true; // OpenIDM's encrypted-value envelope
  const last = segments[segments.length - 1];
  return typeof last === 'string' && SECRET_SEGMENT.test(last);
}
