import type { JsonValue } from '../../managed/managed-object';

/** Property types a managed.json schema may declare (`relationship` is an object holding `_ref`). */
export const MANAGED_PROPERTY_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
  'relationship',
  'null',
] as const;
export type ManagedPropertyType = (typeof MANAGED_PROPERTY_TYPES)[number];

/** One declared property of a managed object type, reduced to what Concord enforces. */
export interface ManagedPropertySchema {
  readonly name: string;
  /** Declared types (`"type": "string"` or `["string", "null"]`); empty when undeclared, which accepts anything. */
  readonly types: readonly ManagedPropertyType[];
  /** Listed in the schema's `required` array or carrying a `required` policy. */
  readonly required: boolean;
  /** Carries the `not-empty` policy: when present, it may not be null, "" or []. */
  readonly notEmpty: boolean;
  /** OpenIDM's `valid-email-address-format` policy. */
  readonly validEmail: boolean;
  /** `searchable: true`: the store indexes it. */
  readonly searchable: boolean;
  /** `unique: true` or a `unique` / `valid-username` policy: the store enforces uniqueness. */
  readonly unique: boolean;
  /** Alias of the key from `encryption.key`, or undefined when stored in clear. */
  readonly encryptionKey: string | undefined;
  /** `scope: "private"` or `viewable: false`: never returned over REST. */
  readonly private: boolean;
  /** The schema `default`, applied on create when the property is absent. */
  readonly defaultValue: JsonValue | undefined;
}

/** A compiled `objects[]` entry of managed.json. The schema is open: undeclared properties are stored as given. */
export interface ManagedTypeSchema {
  readonly name: string;
  readonly properties: ReadonlyMap<string, ManagedPropertySchema>;
  /** Required property names, declared or not (OpenIDM allows `required` to name undeclared properties). */
  readonly required: readonly string[];
  /** The UI `order` list, kept for completeness of the compiled view. */
  readonly order: readonly string[];
  /** Properties never returned to clients: private ones and encrypted ones (what stripPrivate removes). */
  readonly privateProperties: readonly string[];
  /** Encrypted properties with the alias of their key (`encryption.key`). */
  readonly encryptedProperties: ReadonlyMap<string, string>;
}

/** One failed requirement, as OpenIDM's policy service reports it. */
export interface PolicyRequirement {
  readonly policyRequirement: 'REQUIRED' | 'VALID_TYPE' | 'VALID_EMAIL_ADDRESS_FORMAT';
  readonly params?: Readonly<Record<string, JsonValue>>;
}

/** Failures of one property: the element of `failedPolicyRequirements` in OpenIDM's 403 detail. */
export interface PolicyFailure {
  readonly property: string;
  readonly policyRequirements: readonly PolicyRequirement[];
}
