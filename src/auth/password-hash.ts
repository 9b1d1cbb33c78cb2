import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords of internal users as they appear in config/authentication.json: either a scrypt hash
 * (what `concord hash-password` prints) or a clear string (OpenIDM's shipped default
 * `openidm-admin`, or a value substituted from the environment).
 */
export interface ScryptHash {
  algorithm: 'scrypt';
  /** base64, 16 random bytes */
  salt: string;
  /** base64; its length is the derived key length (32 bytes) */
  hash: string;
  /** CPU/memory cost, a power of two */
  N: number;
  /** block size */
  r: number;
  /** parallelisation */
  p: number;
}

export interface HashedPassword {
  $hash: ScryptHash;
}

export type StoredPassword = string | HashedPassword;

/**
 * N = 2^14, r = 8: 16 MiB and ~40 ms per hash on the 2-core reference machine. That is why
 * successful verifications are cached (credential.cache.ts) instead of running scrypt per request.
 */
export const DEFAULT_SCRYPT_COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

// Parameters come from config; bounding them keeps a typo (N = 2^30) from exhausting memory at login.
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

export async function hashPassword(
  plain: string,
  cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT_COST,
): Promise<HashedPassword> {
  assertCost(cost);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(plain, salt, KEY_LENGTH, cost);
  return {
    $hash: {
      algorithm: 'scrypt',
      salt: salt.toString('base64'),
      hash: key.toString('base64'),
      N: cost.N,
      r: cost.r,
      p: cost.p,
    },
  };
}

/**
 * True when `plain` matches `stored`. Comparisons are constant-time; a clear stored string is
 * compared through SHA-256 digests so that its length does not leak either. A malformed hash
 * (unknown algorithm, out-of-range cost) never matches.
 */
export async function verifyPassword(plain: string, stored: StoredPassword): Promise<boolean> {
  if (typeof stored === 'string') {
    return timingSafeEqual(sha256(plain), sha256(stored));
  }
  const spec = stored.$hash;
  if (spec.algorithm !== 'scrypt' || !isValidCost(spec)) {
    return false;
  }
  const expected = Buffer.from(spec.hash, 'base64');
  if (expected.length < 16) {
    return false;
  }
  const actual = await derive(plain, Buffer.from(spec.salt, 'base64'), expected.length, spec);
  return timingSafeEqual(actual, expected);
}

export function isHashedPassword(value: unknown): value is HashedPassword {
  if (typeof value !== 'object' || value === null || !('$hash' in value)) {
    return false;
  }
  const spec = value.$hash;
  if (typeof spec !== 'object' || spec === null) {
    return false;
  }
  const s = spec as Record<string, unknown>;
  return (
    s.algorithm === 'scrypt' &&
    typeof s.salt === 'string' &&
    typeof s.hash === 'string' &&
    typeof s.N === 'number' &&
    typeof s.r === 'number' &&
    typeof s.p === 'number'
  );
}

function isValidCost(cost: { N: number; r: number; p: number }): boolean {
  const { N, r, p } = cost;
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  return (
    powerOfTwo &&
    N <= MAX_N &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX_P
  );
}

function assertCost(cost: { N: number; r: number; p: number }): void {
  if (!isValidCost(cost)) {
    throw new RangeError(
      `scrypt cost out of range: N must be a power of two <= ${MAX_N}, r 1..${MAX_R}, p 1..${MAX_P}`,
    );
  }
}

function derive(
  plain: string,
  salt: Buffer,
  length: number,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default).
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
