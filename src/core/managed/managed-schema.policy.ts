import { DomainError, forbidden } from '../errors/domain-error';
import { oncePer } from '../once-per';
import type { JsonObject, JsonValue } from '../../managed/managed-object';
import type {
  ManagedPropertyType,
  ManagedTypeSchema,
  PolicyFailure,
  PolicyRequirement,
} from './managed-schema.types';

/*
 * The subset of OpenIDM's policy service (bin/defaults/script/policy.js) that Concord enforces itself:
 * - `required` (schema `required` list or policy): fails only when the property is absent;
 * - `not-empty`: fails when present but null, "" or []; OpenIDM reports it as REQUIRED too;
 * - `valid-type`: a present value (null included) must match one of the declared types, reported with
 *   `params: {invalidType, validTypes}` where invalidType is the JavaScript type name ("null", "array", ...).
 * - `valid-email-address-format`: a present string must look like `local@domain.tld` (VALID_EMAIL_ADDRESS_FORMAT).
 * `unique` is checked by the store against the other objects; unknown policy ids are ignored.
 */
export function validateObject(schema: ManagedTypeSchema, doc: JsonObject): PolicyFailure[] {
  const failures: PolicyFailure[] = [];
  for (const name of checkedNames(schema)) {
    const property = schema.properties.get(name);
    const value = Object.hasOwn(doc, name) ? doc[name] : undefined;
    // Built only for a property that fails: every managed write of a recon comes through here.
    let requirements: PolicyRequirement[] | undefined;
    const required = property?.required ?? schema.required.includes(name);
    if (required && value === undefined) (requirements ??= []).push({ policyRequirement: 'REQUIRED' });
    if (property?.notEmpty && value !== undefined && isEmpty(value))
      (requirements ??= []).push({ policyRequirement: 'REQUIRED' });
    if (
      property &&
      value !== undefined &&
      property.types.length > 0 &&
      !property.types.some((t) => hasType(value, t))
    ) {
      (requirements ??= []).push({
        policyRequirement: 'VALID_TYPE',
        params: { invalidType: typeName(value), validTypes: [...property.types] },
      });
    }
    if (property?.validEmail && typeof value === 'string' && !EMAIL.test(value)) {
      (requirements ??= []).push({ policyRequirement: 'VALID_EMAIL_ADDRESS_FORMAT' });
    }
    if (requirements !== undefined) failures.push({ property: name, policyRequirements: requirements });
  }
  return failures;
}

/** The properties a schema declares or requires, each once, in that order: worked out once per schema. */
const checkedNames = oncePer((schema: ManagedTypeSchema): readonly string[] => [
  ...new Set([...schema.properties.keys(), ...schema.required]),
]);

/** The error OpenIDM returns for a failed policy check: 403 "Failed policy validation" with the failures. */
export const policyError = (failures: readonly PolicyFailure[]): DomainError =>
  forbidden('Failed policy validation', { result: false, failedPolicyRequirements: failures });

// OpenIDM's policy.js pattern, widened to today's top-level domains (more than four letters).
const EMAIL = /^[A-Za-z0-9_\-.+']+@[A-Za-z0-9_\-.]+\.[A-Za-z]{2,}$/;

const isEmpty = (value: JsonValue): boolean =>
  value === null || value === '' || (Array.isArray(value) && value.length === 0);

const isPlainObject = (value: JsonValue): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function hasType(value: JsonValue, type: ManagedPropertyType): boolean {
  switch (type) {
    case 'string':
    case 'boolean':
      return typeof value === type;
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    case 'relationship':
      // A reference as CREST writes it: {"_ref": "managed/role/<id>", "_refProperties"?: {...}}.
      return isPlainObject(value) && typeof value._ref === 'string';
    case 'null':
      return value === null;
  }
}

const typeName = (value: JsonValue): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
