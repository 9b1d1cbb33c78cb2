import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../core/errors/domain-error';
import type { ManagedTypeSchema } from '../core/managed/managed-schema.types';
import type { JsonObject, JsonValue } from '../managed/managed-object';

/*
 * Encrypted property values, stored in the shape OpenIDM uses for `"encryption": {"key": ...}` properties:
 *   {"$crypto": {"type": "x-simple-encryption",
 *                "value": {"cipher": "AES/GCM/NoPadding", "iv": b64, "data": b64, "tag": b64, "key": alias}}}
 * OpenIDM itself uses AES/CBC + HMAC; Concord uses AES-256-GCM (12-byte random IV per value, 16-byte tag),
 * which authenticates the ciphertext: a modified value or a wrong key fails instead of decrypting to junk.
 * The plaintext is the JSON text of the value, so any JSON value (not only strings) round-trips.
 */

export const DEFAULT_KEY_ALIAS = 'openidm-sym-default';
const CRYPTO_TYPE = 'x-simple-encryption';
const CIPHER = 'AES/GCM/NoPadding';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface FieldKey {
  readonly alias: string;
  readonly key: Buffer;
}

interface Envelope {
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
  readonly key: string;
}

// Messages never include key material or plaintext; the alias is a name, not a secret.
const cannotDecrypt = (reason: string, alias?: string): DomainError =>
  new DomainError(
    'UNPROCESSABLE',
    `Cannot decrypt value: ${reason}`,
    alias === undefined ? undefined : { key: alias },
  );

export class FieldCrypto {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly FieldKey[]) {
    const map = new Map<string, Buffer>();
    for (const { alias, key } of keys) {
      if (alias.length === 0)
        throw new DomainError('CONFIG_INVALID', 'Encryption key alias must not be empty');
      if (map.has(alias))
        throw new DomainError('CONFIG_INVALID', `Encryption key alias "${alias}" is configured twice`);
      if (key.length !== KEY_BYTES) {
        throw new DomainError(
          'CONFIG_INVALID',
          `Encryption key "${alias}" must be ${KEY_BYTES} bytes, got ${key.length}`,
        );
      }
      map.set(alias, Buffer.from(key));
    }
    this.keys = map;
  }

  encrypt(value: JsonValue, alias: string = DEFAULT_KEY_ALIAS): JsonObject {
    const key = this.keys.get(alias);
    if (key === undefined)
      throw new DomainError('UNPROCESSABLE', `Cannot encrypt value: unknown key "${alias}"`, { key: alias });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      $crypto: {
        type: CRYPTO_TYPE,
        value: {
          cipher: CIPHER,
          iv: iv.toString('base64'),
          data: data.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          key: alias,
        },
      },
    };
  }

  /** Decrypts an encrypted value; a value that is not encrypted is returned as is (like `openidm.decrypt`). */
  decrypt(value: JsonValue): JsonValue {
    if (!isCryptoShape(value)) return value;
    const envelope = readEnvelope(value);
    const key = this.keys.get(envelope.key);
    if (key === undefined) throw cannotDecrypt(`unknown key "${envelope.key}"`, envelope.key);
    const iv = Buffer.from(envelope.iv, 'base64');
    const tag = Buffer.from(envelope.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw cannotDecrypt('malformed IV or tag', envelope.key);
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([
        decipher.update(Buffer.from(envelope.data, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM's tag check failed: the value was modified, or it was encrypted with another key under this alias.
      throw cannotDecrypt('integrity check failed (tampered value or wrong key)', envelope.key);
    }
    try {
      return JSON.parse(plaintext) as JsonValue;
    } catch {
      throw cannotDecrypt('decrypted content is not JSON', envelope.key);
    }
  }

  isEncrypted(value: unknown): boolean {
    return isCryptoShape(value);
  }
}

/**
 * Encrypts every property the schema marks with `encryption` whose value is present, not null and not
 * already encrypted (an update that sends back the stored `$crypto` value must not double-encrypt it).
 */
export function encryptFields(schema: ManagedTypeSchema, doc: JsonObject, crypto: FieldCrypto): JsonObject {
  const result: JsonObject = { ...doc };
  for (const property of schema.properties.values()) {
    const value = doc[property.name];
    if (property.encryptionKey === undefined || !Object.hasOwn(doc, property.name)) continue;
    if (value === undefined || value === null || crypto.isEncrypted(value)) continue;
    result[property.name] = crypto.encrypt(value, property.encryptionKey);
  }
  return result;
}

/** Reads a 256-bit key given as base64 (44 characters) or hex (64 characters). */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  // Node's base64 decoder also accepts the URL-safe alphabet; 43 characters + optional "=" is 32 bytes.
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  throw new DomainError(
    'CONFIG_INVALID',
    `Encryption key must be ${KEY_BYTES} bytes written as base64 (44 characters) or hex (64 characters)`,
  );
}

/** The `$crypto` wrapper OpenIDM recognises (JsonCrypto.isJsonCrypto): a single `$crypto` member with type and value. */
function isCryptoShape(
  value: unknown,
): value is { $crypto: { type: string; value: Record<string, unknown> } } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const wrapper = (value as Record<string, unknown>).$crypto;
  if (typeof wrapper !== 'object' || wrapper === null || Array.isArray(wrapper)) return false;
  const inner = wrapper as Record<string, unknown>;
  return typeof inner.type === 'string' && typeof inner.value === 'object' && inner.value !== null;
}

function readEnvelope(value: { $crypto: { type: string; value: Record<string, unknown> } }): Envelope {
  const { type, value: inner } = value.$crypto;
  if (type !== CRYPTO_TYPE) throw cannotDecrypt(`unsupported encryption type "${type}"`);
  if (inner.cipher !== CIPHER) throw cannotDecrypt(`unsupported cipher (expected ${CIPHER})`);
  const { iv, data, tag, key } = inner;
  if (
    typeof iv !== 'string' ||
    typeof data !== 'string' ||
    typeof tag !== 'string' ||
    typeof key !== 'string'
  ) {
    throw cannotDecrypt('iv, data, tag and key must be strings');
  }
  return { iv, data, tag, key };
}
