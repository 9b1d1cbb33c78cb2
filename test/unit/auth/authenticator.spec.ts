import type { InternalUser } from '../../../src/auth/auth.settings';
import { Authenticator } from '../../../src/auth/authenticator.service';
import { CredentialCache } from '../../../src/auth/credential.cache';
import { hashPassword } from '../../../src/auth/password-hash';
import { CountingHasher, InMemoryManagedUsers } from './auth-test-app';

describe('Authenticator', () => {
  let hashedAdmin: InternalUser;
  let now: number;

  beforeAll(async () => {
    hashedAdmin = {
      userName: 'openidm-admin',
      password: await hashPassword('s3cret'),
      roles: ['openidm-admin'],
    };
  });

  beforeEach(() => {
    now = 1_000_000;
  });

  function build(users: InternalUser[], managed?: InMemoryManagedUsers) {
    const hasher = new CountingHasher();
    const cache = new CredentialCache({ ttlMs: 60_000, maxEntries: 100, now: () => now });
    const authenticator = new Authenticator({ internalUsers: users }, hasher, cache, managed);
    return { hasher, cache, authenticator };
  }

  it('verifies a hashed internal password once, then answers from the cache', async () => {
    const { hasher, authenticator } = build([hashedAdmin]);
    await expect(authenticator.authenticate('openidm-admin', 's3cret')).resolves.toEqual({
      userName: 'openidm-admin',
      roles: ['openidm-admin'],
    });
    await authenticator.authenticate('openidm-admin', 's3cret');
    await authenticator.authenticate('openidm-admin', 's3cret');
    expect(hasher.verifications).toBe(1);
  });

  it('verifies again once the cached entry is older than the TTL', async () => {
    const { hasher, authenticator } = build([hashedAdmin]);
    await authenticator.authenticate('openidm-admin', 's3cret');
    now += 59_999;
    await authenticator.authenticate('openidm-admin', 's3cret');
    expect(hasher.verifications).toBe(1);
    now += 1;
    await authenticator.authenticate('openidm-admin', 's3cret');
    expect(hasher.verifications).toBe(2);
  });

  it('never caches a failed attempt', async () => {
    const { hasher, cache, authenticator } = build([hashedAdmin]);
    await expect(authenticator.authenticate('openidm-admin', 'wrong')).resolves.toBeNull();
    await expect(authenticator.authenticate('openidm-admin', 'wrong')).resolves.toBeNull();
    expect(hasher.verifications).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('does not accept a different password because the right one is cached', async () => {
    const { authenticator } = build([hashedAdmin]);
    await authenticator.authenticate('openidm-admin', 's3cret');
    await expect(authenticator.authenticate('openidm-admin', 's3cret ')).resolves.toBeNull();
  });

  it('shares one verification between concurrent requests with the same credentials', async () => {
    const { hasher, authenticator } = build([hashedAdmin]);
    const results = await Promise.all(
      Array.from({ length: 16 }, () => authenticator.authenticate('openidm-admin', 's3cret')),
    );
    expect(results.every((principal) => principal?.userName === 'openidm-admin')).toBe(true);
    expect(hasher.verifications).toBe(1);
  });

  it('logs managed users in as openidm-authorized with their record id', async () => {
    const managed = new InMemoryManagedUsers({ alice: { id: 'a-1', password: 'pw' } });
    const { authenticator } = build([hashedAdmin], managed);
    await expect(authenticator.authenticate('alice', 'pw')).resolves.toEqual({
      userName: 'alice',
      roles: ['openidm-authorized'],
      managedUserId: 'a-1',
    });
    await expect(authenticator.authenticate('alice', 'nope')).resolves.toBeNull();
  });

  it('prefers the internal user and falls back to managed users when its password does not match', async () => {
    const managed = new InMemoryManagedUsers({ 'openidm-admin': { id: 'm-9', password: 'other' } });
    const { authenticator } = build([hashedAdmin], managed);
    await expect(authenticator.authenticate('openidm-admin', 's3cret')).resolves.toMatchObject({
      roles: ['openidm-admin'],
    });
    expect(managed.calls).toBe(0);
    await expect(authenticator.authenticate('openidm-admin', 'other')).resolves.toMatchObject({
      roles: ['openidm-authorized'],
      managedUserId: 'm-9',
    });
    expect(managed.calls).toBe(1);
  });

  it('rejects everyone but internal users when no managed-user authenticator is bound', async () => {
    const { authenticator } = build([{ userName: 'svc', password: 'plain-pw', roles: ['openidm-admin'] }]);
    await expect(authenticator.authenticate('svc', 'plain-pw')).resolves.not.toBeNull();
    await expect(authenticator.authenticate('alice', 'pw')).resolves.toBeNull();
  });
});
