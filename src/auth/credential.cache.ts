import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from './principal';

export interface CredentialCacheOptions {
  /** how long a successful verification is trusted, ms */
  ttlMs: number;
  /** entries kept at most; the oldest goes first */
  maxEntries: number;
  /** ms since the epoch; injectable so tests pin time */
  now: () => number;
}

export const DEFAULT_CREDENTIAL_CACHE_OPTIONS: CredentialCacheOptions = {
  ttlMs: 60_000,
  maxEntries: 10_000,
  now: () => Date.now(),
};

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Remembers successful logins so that a client sending credentials with every request (the
 * OpenIDM way) pays for scrypt (~40 ms) once a minute rather than per request.
 *
 * Keys are HMAC-SHA-256 of user and password under a key drawn at start and never stored, so
 * the cache holds no password nor anything that can be checked offline against a guess.
 * Only successes are cached: a wrong password always costs a full verification.
 * A changed password stays accepted until its entry expires (ttlMs) unless evictUser() is called.
 */
export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Entry>();
  private readonly options: CredentialCacheOptions;

  constructor(options: Partial<CredentialCacheOptions> = {}) {
    this.options = { ...DEFAULT_CREDENTIAL_CACHE_OPTIONS, ...options };
  }

  keyOf(userName: string, password: string): string {
    // JSON keeps the pair unambiguous ("a:" + "b" differs from "a" + ":b").
    return createHmac('sha256', this.key)
      .update(JSON.stringify([userName, password]))
      .digest('base64');
  }

  get(key: string): Principal | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.expiresAt <= this.options.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(key: string, principal: Principal): void {
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { principal, expiresAt: this.options.now() + this.options.ttlMs });
  }

  /** Forgets every cached login of `userName` (call after its password or roles change). */
  evictUser(userName: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.principal.userName === userName) {
        this.entries.delete(key);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
