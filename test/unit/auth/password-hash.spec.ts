import { PassThrough } from 'node:stream';
import { runHashPassword } from '../../../src/auth/hash-password.command';
import {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  isHashedPassword,
  verifyPassword,
  type HashedPassword,
  type StoredPassword,
} from '../../../src/auth/password-hash';

// A cheap cost keeps the table fast; the default cost is exercised separately.
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  let stored: HashedPassword;

  beforeAll(async () => {
    stored = await hashPassword('correct horse', CHEAP);
  });

  it('produces a scrypt hash with salt, key and cost, and no trace of the password', async () => {
    const hashed = await hashPassword('correct horse');
    expect(hashed.$hash).toMatchObject({ algorithm: 'scrypt', ...DEFAULT_SCRYPT_COST });
    expect(Buffer.from(hashed.$hash.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hashed.$hash.hash, 'base64')).toHaveLength(32);
    expect(JSON.stringify(hashed)).not.toContain('correct horse');
    await expect(verifyPassword('correct horse', hashed)).resolves.toBe(true);
  });

  it('salts every hash differently', async () => {
    const again = await hashPassword('correct horse', CHEAP);
    expect(again.$hash.salt).not.toBe(stored.$hash.salt);
    expect(again.$hash.hash).not.toBe(stored.$hash.hash);
  });

  const withHash =
    (patch: Partial<HashedPassword['$hash']>): (() => StoredPassword) =>
    () => ({
      $hash: { ...stored.$hash, ...patch },
    });
  const truncated = (): StoredPassword => ({
    $hash: { ...stored.$hash, hash: stored.$hash.hash.slice(0, 8) },
  });

  it.each<[string, string, () => StoredPassword, boolean]>([
    ['right password, hashed', 'correct horse', () => stored, true],
    ['wrong password, hashed', 'correct horse!', () => stored, false],
    ['empty password, hashed', '', () => stored, false],
    ['right password, in clear', 'openidm-admin', () => 'openidm-admin', true],
    ['wrong password, in clear', 'openidm-admi', () => 'openidm-admin', false],
    ['longer password, in clear', 'openidm-admin2', () => 'openidm-admin', false],
    ['unicode password, in clear', 'pässwörd', () => 'pässwörd', true],
    ['unknown algorithm', 'correct horse', withHash({ algorithm: 'md5' as 'scrypt' }), false],
    ['N not a power of two', 'correct horse', withHash({ N: 1000 }), false],
    ['N beyond the memory bound', 'correct horse', withHash({ N: 1 << 24 }), false],
    ['r out of range', 'correct horse', withHash({ r: 0 }), false],
    ['hash too short to be real', 'correct horse', truncated, false],
  ])('%s -> %s', async (_case, plain, storedValue, expected) => {
    await expect(verifyPassword(plain, storedValue())).resolves.toBe(expected);
  });

  it('refuses to hash with an unsafe cost', async () => {
    await expect(hashPassword('x', { N: 1000, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });

  it.each<[unknown, boolean]>([
    [{ $hash: { algorithm: 'scrypt', salt: 'a', hash: 'b', N: 2, r: 1, p: 1 } }, true],
    [{ $hash: { algorithm: 'scrypt', salt: 'a', hash: 'b' } }, false],
    [{ $hash: null }, false],
    ['openidm-admin', false],
    [null, false],
  ])('isHashedPassword(%j) = %s', (value, expected) => {
    expect(isHashedPassword(value)).toBe(expected);
  });
});

describe('concord hash-password', () => {
  function io(stdinText: string) {
    const stdin = new PassThrough();
    stdin.end(stdinText);
    const out: string[] = [];
    const err: string[] = [];
    return {
      io: {
        stdin,
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t) },
      },
      out,
      err,
    };
  }

  it('prints a hash of the argument that verifies', async () => {
    const run = io('');
    await expect(runHashPassword(['n3w-admin'], run.io)).resolves.toBe(0);
    const printed = JSON.parse(run.out.join('')) as HashedPassword;
    await expect(verifyPassword('n3w-admin', printed)).resolves.toBe(true);
  });

  it('reads the password from the first line of stdin when no argument is given', async () => {
    const run = io('from-stdin\nignored\n');
    await expect(runHashPassword([], run.io)).resolves.toBe(0);
    const printed = JSON.parse(run.out.join('')) as HashedPassword;
    await expect(verifyPassword('from-stdin', printed)).resolves.toBe(true);
  });

  it('does not wait for the end of input once a line has been typed', async () => {
    const stdin = new PassThrough();
    stdin.write('typed\n');
    const out: string[] = [];
    const code = await runHashPassword([], {
      stdin,
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    await expect(verifyPassword('typed', JSON.parse(out.join('')) as HashedPassword)).resolves.toBe(true);
  });

  it('fails on an empty password', async () => {
    const run = io('\n');
    await expect(runHashPassword([], run.io)).resolves.toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err.join('')).toContain('empty password');
  });
});
