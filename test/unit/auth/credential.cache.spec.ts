import { CredentialCache } from '../../../src/auth/credential.cache';
import type { Principal } from '../../../src/auth/principal';

const principal = (userName: string): Principal => ({ userName, roles: ['openidm-admin'] });

describe('CredentialCache', () => {
  let now = 0;
  const cache = (maxEntries = 100) => new CredentialCache({ ttlMs: 60_000, maxEntries, now: () => now });

  beforeEach(() => {
    now = 5_000;
  });

  it('derives keys that do not contain the password and differ for ambiguous pairs', () => {
    const c = cache();
    const key = c.keyOf('openidm-admin', 'hunter2');
    expect(key).not.toContain('hunter2');
    expect(Buffer.from(key, 'base64').toString('latin1')).not.toContain('hunter2');
    expect(c.keyOf('a:', 'b')).not.toBe(c.keyOf('a', ':b'));
    expect(c.keyOf('openidm-admin', 'hunter2')).toBe(key);
  });

  it('uses a different key in every process (instance), so keys are useless elsewhere', () => {
    expect(cache().keyOf('u', 'p')).not.toBe(cache().keyOf('u', 'p'));
  });

  it('keeps an entry for the TTL and forgets it afterwards', () => {
    const c = cache();
    const key = c.keyOf('u', 'p');
    c.set(key, principal('u'));
    now += 59_999;
    expect(c.get(key)).toEqual(principal('u'));
    now += 1;
    expect(c.get(key)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('drops the oldest entries beyond its bound', () => {
    const c = cache(3);
    const keys = ['a', 'b', 'c', 'd'].map((name) => c.keyOf(name, 'pw'));
    keys.forEach((key, index) => c.set(key, principal(String(index))));
    expect(c.size).toBe(3);
    expect(c.get(keys[0]!)).toBeUndefined();
    expect(c.get(keys[3]!)).toEqual(principal('3'));
  });

  it('evicts every entry of one user', () => {
    const c = cache();
    c.set(c.keyOf('alice', 'old'), principal('alice'));
    c.set(c.keyOf('alice', 'new'), principal('alice'));
    c.set(c.keyOf('bob', 'pw'), principal('bob'));
    c.evictUser('alice');
    expect(c.get(c.keyOf('alice', 'old'))).toBeUndefined();
    expect(c.get(c.keyOf('alice', 'new'))).toBeUndefined();
    expect(c.get(c.keyOf('bob', 'pw'))).toEqual(principal('bob'));
  });
});
