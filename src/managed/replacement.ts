import { jsonEqual } from '../core/json-equal';
import { policyError, validateObject, type ManagedTypeSchema } from '../core/managed/managed-schema';
import type { FieldCrypto } from '../security/field-crypto';
import type { JsonObject, StoredObject } from './managed-object';
import { sealFields, unsealFields } from './sealed-fields';

/**
 * The document a full replace of `current` by `input` (no `_id`/`_rev`) asks for. Private properties (a password)
 * are invisible to clients, so a replace that leaves them out keeps them.
 */
export function keepingPrivate(
  schema: ManagedTypeSchema,
  current: StoredObject,
  input: JsonObject,
  crypto: FieldCrypto,
): JsonObject {
  if (schema.privateProperties.length === 0) return input;
  const plain = unsealFields(schema, current.doc, crypto);
  const next: JsonObject = { ...input };
  for (const property of schema.privateProperties) {
    if (!(property in next) && plain[property] !== undefined) next[property] = plain[property];
  }
  return next;
}

/**
 * What writing `nextPlain` over `current` stores: validated (throws the policy failure), encrypted properties
 * sealed, an unchanged secret keeping its ciphertext. Null when that is what is stored already: an update that
 * changes nothing writes nothing (no new revision, no change for implicit sync).
 */
export function sealedChange(
  schema: ManagedTypeSchema,
  current: StoredObject,
  nextPlain: JsonObject,
  crypto: FieldCrypto,
): JsonObject | null {
  const failures = validateObject(schema, nextPlain);
  if (failures.length > 0) throw policyError(failures);
  const sealed = sealFields(schema, nextPlain, current.doc, crypto);
  return jsonEqual(sealed, current.doc) ? null : sealed;
}
