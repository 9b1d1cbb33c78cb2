export interface Credentials {
  userName: string;
  password: string;
}

type HeaderValue = string | string[] | undefined;

/**
 * Reads credentials the way OpenIDM does: `X-OpenIDM-Username` / `X-OpenIDM-Password` first, then
 * `Authorization: Basic base64(user:password)` (the password may itself contain ':').
 * Returns null when none are given or they are malformed; the caller answers 401 either way.
 * Header names are lower-case, as Node delivers them.
 */
export function extractCredentials(headers: Record<string, HeaderValue>): Credentials | null {
  const userName = single(headers['x-openidm-username']);
  if (userName !== undefined) {
    const password = single(headers['x-openidm-password']);
    return userName.length > 0 && password !== undefined ? { userName, password } : null;
  }
  return fromBasic(single(headers['authorization']));
}

function fromBasic(authorization: string | undefined): Credentials | null {
  if (authorization === undefined) {
    return null;
  }
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  if (!match?.[1]) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return null;
  }
  return { userName: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// A repeated header arrives as an array; credentials must be unambiguous.
function single(value: HeaderValue): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
