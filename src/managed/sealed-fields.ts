import { jsonEqual } from '../core/json-equal';
import type { ManagedTypeSchema } from '../core/managed/managed-schema';
import type { FieldCrypto } from '../security/field-crypto';
import type { JsonObject } from './managed-object';

/**
 * Encrypts the properties managed.json marks with `encryption`. A value that did not change keeps its previous
 * ciphertext: encryption uses a random IV, so re-encrypting would make every update look like a change.
 */
export function sealFields(
  schema: ManagedTypeSchema,
  plain: JsonObject,
  previous: JsonObject | undefined,
  crypto: FieldCrypto,
): JsonObject {
  const sealed: JsonObject = { ...plain };
  for (const [property, alias] of schema.encryptedProperties) {
    const value = plain[property];
    if (value === undefined || value === null || crypto.isEncrypted(value)) continue;
    const before = previous?.[property];
    const unchanged =
      before !== undefined && crypto.isEncrypted(before) && jsonEqual(crypto.decrypt(before), value);
    sealed[property] = unchanged && before !== undefined ? before : crypto.encrypt(value, alias);
  }
  return sealed;
}

/** The document with its encrypted properties in clear, for patching and validation inside the process only. */
export function unsealFields(schema: ManagedTypeSchema, doc: JsonObject, crypto: FieldCrypto): JsonObject {
  const plain: JsonObject = { ...doc };
  for (const [property] of schema.encryptedProperties) {
    const value = doc[property];
    if (value !== undefined && crypto.isEncrypted(value)) plain[property] = crypto.decrypt(value);
  }
  return plain;
}
