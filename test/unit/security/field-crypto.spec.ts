import { randomBytes } from 'node:crypto';
import { DomainError } from '../../../src/core/errors/domain-error';
import { compileManagedSchema } from '../../../src/core/managed/managed-schema';
import type { JsonObject, JsonValue } from '../../../src/managed/managed-object';
import { encryptFields, FieldCrypto, parseKey } from '../../../src/security/field-crypto';

const defaultKey = randomBytes(32);
const otherKey = randomBytes(32);
const crypto = new FieldCrypto([
  { alias: 'openidm-sym-default', key: defaultKey },
  { alias: 'answers', key: otherKey },
]);

const envelope = (encrypted: JsonObject): Record<string, string> =>
  (encrypted.$crypto as JsonObject).value as Record<string, string>;

const thrown = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('FieldCrypto', () => {
  it.each<[string, JsonValue]>([
    ['a password', 'Passw0rd!'],
    ['an empty string', ''],
    ['unicode', 'pässwörd ✓'],
    ['a number', 42],
    ['a boolean', false],
    ['an object', { question: 'pet', answer: 'Rex' }],
    ['an array', ['a', 1, null]],
  ])('round-trips %s', (_name, value) => {
    const encrypted = crypto.encrypt(value);
    expect(crypto.isEncrypted(encrypted)).toBe(true);
    expect(crypto.decrypt(encrypted)).toEqual(value);
  });

  it('stores the OpenIDM $crypto shape without the plaintext', () => {
    const encrypted = crypto.encrypt('Passw0rd!');
    expect(encrypted).toEqual({
      $crypto: {
        type: 'x-simple-encryption',
        value: {
          cipher: 'AES/GCM/NoPadding',
          iv: expect.any(String),
          data: expect.any(String),
          tag: expect.any(String),
          key: 'openidm-sym-default',
        },
      },
    });
    expect(Buffer.from(envelope(encrypted).iv as string, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope(encrypted).tag as string, 'base64')).toHaveLength(16);
    expect(JSON.stringify(encrypted)).not.toContain('Passw0rd');
  });

  it('uses a fresh IV for every value, so equal passwords do not look equal', () => {
    const a = crypto.encrypt('same');
    const b = crypto.encrypt('same');
    expect(envelope(a).iv).not.toBe(envelope(b).iv);
    expect(envelope(a).data).not.toBe(envelope(b).data);
  });

  it('encrypts under the requested alias and decrypts with the matching key', () => {
    const encrypted = crypto.encrypt('Rex', 'answers');
    expect(envelope(encrypted).key).toBe('answers');
    expect(crypto.decrypt(encrypted)).toBe('Rex');
  });

  it('returns values that are not encrypted unchanged', () => {
    expect(crypto.decrypt('plain')).toBe('plain');
    expect(crypto.decrypt({ $crypto: 'not an envelope' })).toEqual({ $crypto: 'not an envelope' });
    expect(crypto.isEncrypted({ password: 'x' })).toBe(false);
  });

  const tamper = (field: 'data' | 'tag' | 'iv'): JsonObject => {
    const encrypted = crypto.encrypt('Passw0rd!');
    const bytes = Buffer.from(envelope(encrypted)[field] as string, 'base64');
    bytes[0] = (bytes[0] as number) ^ 0x01;
    envelope(encrypted)[field] = bytes.toString('base64');
    return encrypted;
  };

  it.each(['data', 'tag', 'iv'] as const)('detects a modified %s', (field) => {
    const error = thrown(() => crypto.decrypt(tamper(field)));
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toMatch(/integrity check failed/);
  });

  it('detects a value re-labelled with another alias (wrong key)', () => {
    const encrypted = crypto.encrypt('Passw0rd!');
    envelope(encrypted).key = 'answers';
    expect(thrown(() => crypto.decrypt(encrypted)).message).toMatch(/integrity check failed/);
  });

  it('fails when the same alias holds a different key (e.g. a rotated key file)', () => {
    const encrypted = crypto.encrypt('Passw0rd!');
    const rotated = new FieldCrypto([{ alias: 'openidm-sym-default', key: randomBytes(32) }]);
    const error = thrown(() => rotated.decrypt(encrypted));
    expect(error.message).not.toContain(defaultKey.toString('base64'));
    expect(error.message).not.toContain(defaultKey.toString('hex'));
    expect(error.message).not.toContain('Passw0rd');
  });

  it.each<[string, JsonObject, RegExp]>([
    [
      'an unknown alias',
      {
        $crypto: {
          type: 'x-simple-encryption',
          value: {
            cipher: 'AES/GCM/NoPadding',
            iv: 'AAAAAAAAAAAAAAAA',
            data: '',
            tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
            key: 'nope',
          },
        },
      },
      /unknown key "nope"/,
    ],
    [
      'an OpenIDM CBC value',
      {
        $crypto: {
          type: 'x-simple-encryption',
          value: { cipher: 'AES/CBC/PKCS5Padding', iv: 'x', data: 'y', key: 'openidm-sym-default' },
        },
      },
      /unsupported cipher/,
    ],
    [
      'another crypto type',
      { $crypto: { type: 'x-custom', value: {} } },
      /unsupported encryption type "x-custom"/,
    ],
    [
      'missing envelope members',
      { $crypto: { type: 'x-simple-encryption', value: { cipher: 'AES/GCM/NoPadding' } } },
      /must be strings/,
    ],
    [
      'a short IV',
      {
        $crypto: {
          type: 'x-simple-encryption',
          value: {
            cipher: 'AES/GCM/NoPadding',
            iv: 'AAAA',
            data: '',
            tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
            key: 'answers',
          },
        },
      },
      /malformed IV or tag/,
    ],
  ])('refuses %s', (_name, value, message) => {
    const error = thrown(() => crypto.decrypt(value));
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toMatch(message);
  });

  it('refuses to encrypt with an unknown alias', () => {
    expect(thrown(() => crypto.encrypt('x', 'missing')).message).toMatch(/unknown key "missing"/);
  });

  it.each<[string, { alias: string; key: Buffer }[], RegExp]>([
    ['a 16-byte key', [{ alias: 'k', key: randomBytes(16) }], /"k" must be 32 bytes, got 16/],
    [
      'a duplicate alias',
      [
        { alias: 'k', key: randomBytes(32) },
        { alias: 'k', key: randomBytes(32) },
      ],
      /configured twice/,
    ],
    ['an empty alias', [{ alias: '', key: randomBytes(32) }], /alias must not be empty/],
  ])('refuses %s at construction', (_name, keys, message) => {
    const error = thrown(() => new FieldCrypto(keys));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(message);
  });
});

describe('encryptFields', () => {
  const schema = compileManagedSchema({
    name: 'user',
    schema: {
      properties: {
        userName: { type: 'string' },
        password: { type: 'string', encryption: { key: 'openidm-sym-default' }, scope: 'private' },
        securityAnswer: { type: 'string', encryption: { key: 'answers' } },
      },
    },
  });

  it('encrypts each marked property with its own key and leaves the rest alone', () => {
    const doc: JsonObject = {
      userName: 'jdoe',
      password: 'Passw0rd!',
      securityAnswer: 'Rex',
      mail: 'j@example.com',
    };
    const stored = encryptFields(schema, doc, crypto);
    expect(stored.userName).toBe('jdoe');
    expect(stored.mail).toBe('j@example.com');
    expect(envelope(stored.password as JsonObject).key).toBe('openidm-sym-default');
    expect(envelope(stored.securityAnswer as JsonObject).key).toBe('answers');
    expect(crypto.decrypt(stored.password as JsonValue)).toBe('Passw0rd!');
    expect(doc.password).toBe('Passw0rd!');
  });

  it('does not encrypt twice, nor invent absent or null values', () => {
    const once = encryptFields(schema, { password: 'Passw0rd!', securityAnswer: null }, crypto);
    const twice = encryptFields(schema, once, crypto);
    expect(twice.password).toEqual(once.password);
    expect(twice.securityAnswer).toBeNull();
    expect(encryptFields(schema, { userName: 'x' }, crypto)).toEqual({ userName: 'x' });
  });
});

describe('parseKey', () => {
  const key = randomBytes(32);

  it.each<[string, string]>([
    ['base64', key.toString('base64')],
    ['base64 without padding', key.toString('base64').replace(/=$/, '')],
    ['base64url', key.toString('base64url')],
    ['hex', key.toString('hex')],
    ['upper-case hex with surrounding whitespace', `  ${key.toString('hex').toUpperCase()}\n`],
  ])('reads %s', (_name, text) => {
    expect(parseKey(text).equals(key)).toBe(true);
  });

  it.each<[string, string]>([
    ['a 16-byte base64 key', randomBytes(16).toString('base64')],
    ['a 48-byte base64 key', randomBytes(48).toString('base64')],
    ['63 hex characters', key.toString('hex').slice(1)],
    ['a passphrase', 'correct horse battery staple'],
    ['an empty string', ''],
  ])('refuses %s with a clear CONFIG_INVALID error', (_name, text) => {
    const error = thrown(() => parseKey(text));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'Encryption key must be 32 bytes written as base64 (44 characters) or hex (64 characters)',
    );
  });
});
