import type { JsonObject } from '../../managed/managed-object';
import type { ManagedTypeSchema } from './managed-schema.types';

/*
 * Entry point of the managed-object schema: compile managed.json once at boot, then use these pure helpers
 * on every create/update/read. Compilation and policy checks live in their own files; re-exported here.
 */
export { compileManagedConfig, compileManagedSchema } from './managed-schema.compiler';
export { policyError, validateObject } from './managed-schema.policy';
export type {
  ManagedPropertySchema,
  ManagedPropertyType,
  ManagedTypeSchema,
  PolicyFailure,
  PolicyRequirement,
} from './managed-schema.types';

/** On create only: fills every absent property that declares a `default` (e.g. `accountStatus: "active"`). */
export function applyDefaults(schema: ManagedTypeSchema, doc: JsonObject): JsonObject {
  const result: JsonObject = { ...doc };
  for (const property of schema.properties.values()) {
    if (property.defaultValue !== undefined && !Object.hasOwn(doc, property.name)) {
      result[property.name] = structuredClone(property.defaultValue);
    }
  }
  return result;
}

/** For output: drops private properties and anything stored encrypted (OpenIDM never returns the password). */
export function stripPrivate(schema: ManagedTypeSchema, doc: JsonObject): JsonObject {
  const result: JsonObject = { ...doc };
  for (const name of schema.privateProperties) delete result[name];
  return result;
}

/** Searchable properties with their primary declared type (the first that is not "null"; "string" if untyped). */
export function searchableProperties(schema: ManagedTypeSchema): Map<string, string> {
  const searchable = new Map<string, string>();
  for (const property of schema.properties.values()) {
    if (property.searchable)
      searchable.set(property.name, property.types.find((t) => t !== 'null') ?? 'string');
  }
  return searchable;
}

/** Properties whose values must be unique across the type (the store enforces it, e.g. user `userName`). */
export const uniqueProperties = (schema: ManagedTypeSchema): string[] =>
  [...schema.properties.values()].filter((p) => p.unique).map((p) => p.name);
