import { z } from 'zod';
import { DomainError } from '../errors/domain-error';
import type { JsonValue } from '../../managed/managed-object';
import {
  MANAGED_PROPERTY_TYPES,
  type ManagedPropertySchema,
  type ManagedPropertyType,
  type ManagedTypeSchema,
} from './managed-schema.types';

/*
 * managed.json as OpenIDM writes it: `{"objects": [{"name", "schema": {"type": "object", "required": [...],
 * "properties": {...}, "order": [...]}, "onCreate"?...}]}`. Only the keys Concord acts on are checked; UI and
 * script keys (title, viewable, onCreate, items, resourceCollection, ...) pass through untouched.
 */

const typeName = z.enum(MANAGED_PROPERTY_TYPES);

const policyConfig = z.looseObject({
  policyId: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});

const propertyConfig = z.looseObject({
  type: z
    .union([typeName, z.array(typeName).min(1)], {
      error: `a type name or a non-empty array of them (${MANAGED_PROPERTY_TYPES.join(', ')})`,
    })
    .optional(),
  searchable: z.boolean().optional(),
  unique: z.boolean().optional(),
  scope: z.string().optional(),
  viewable: z.boolean().optional(),
  encryption: z.looseObject({ key: z.string().min(1) }).optional(),
  default: z.unknown().optional(),
  policies: z.array(policyConfig).optional(),
});

const schemaConfig = z.looseObject({
  type: z.literal('object').optional(),
  required: z.array(z.string()).optional(),
  properties: z.record(z.string(), propertyConfig).optional(),
  order: z.array(z.string()).optional(),
});

const objectConfig = z.looseObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a managed object name: letters, digits, "_" or "-"'),
  schema: schemaConfig.optional(),
});

const managedConfig = z.looseObject({ objects: z.array(objectConfig) });

type PropertyConfig = z.infer<typeof propertyConfig>;

/** Policies that make the store enforce uniqueness (`valid-username` is OpenIDM's unique + no-internal-user). */
const UNIQUE_POLICIES = new Set(['unique', 'valid-username']);

/**
 * Compiles one `objects[]` entry of managed.json. An invalid entry throws CONFIG_INVALID naming the JSON
 * path and what was expected; `path` prefixes it (e.g. `managed.json objects[2]`).
 */
export function compileManagedSchema(config: unknown, path = 'managed object'): ManagedTypeSchema {
  const parsed = parseOrThrow(objectConfig, config, path);
  const schema = parsed.schema ?? {};
  const requiredList = new Set(schema.required ?? []);
  const properties = new Map<string, ManagedPropertySchema>();
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    properties.set(name, compileProperty(name, property, requiredList.has(name)));
  }
  const compiled = [...properties.values()];
  const required = [...new Set([...requiredList, ...compiled.filter((p) => p.required).map((p) => p.name)])];
  return {
    name: parsed.name,
    properties,
    required,
    order: schema.order ?? [],
    privateProperties: compiled.filter((p) => p.private || p.encryptionKey !== undefined).map((p) => p.name),
    encryptedProperties: new Map(
      compiled.flatMap((p) => (p.encryptionKey === undefined ? [] : [[p.name, p.encryptionKey] as const])),
    ),
  };
}

/** Compiles a whole managed.json; object type names must be unique. */
export function compileManagedConfig(config: unknown, source = 'managed.json'): ManagedTypeSchema[] {
  const parsed = parseOrThrow(managedConfig, config, source);
  const schemas = parsed.objects.map((object, i) => compileManagedSchema(object, `${source} objects[${i}]`));
  const seen = new Set<string>();
  for (const schema of schemas) {
    if (seen.has(schema.name)) {
      throw new DomainError(
        'CONFIG_INVALID',
        `${source}: managed object type "${schema.name}" is defined twice`,
        {
          source,
          name: schema.name,
        },
      );
    }
    seen.add(schema.name);
  }
  return schemas;
}

function compileProperty(
  name: string,
  config: PropertyConfig,
  listedRequired: boolean,
): ManagedPropertySchema {
  const policyIds = new Set((config.policies ?? []).map((p) => p.policyId));
  const types: ManagedPropertyType[] = config.type === undefined ? [] : [config.type].flat();
  return {
    name,
    types,
    required: listedRequired || policyIds.has('required'),
    notEmpty: policyIds.has('not-empty'),
    validEmail: policyIds.has('valid-email-address-format'),
    searchable: config.searchable === true,
    unique: config.unique === true || [...policyIds].some((id) => UNIQUE_POLICIES.has(id)),
    encryptionKey: config.encryption?.key,
    // `_id` is declared `viewable: false` in OpenIDM's own managed.json only to hide it from UI forms.
    private: name !== '_id' && (config.scope === 'private' || config.viewable === false),
    defaultValue: config.default as JsonValue | undefined,
  };
}

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, path: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = formatPath(issue?.path ?? []);
  const expected = issue?.message ?? 'a valid value';
  throw new DomainError('CONFIG_INVALID', `${path}: invalid value at ${where}: ${expected}`, {
    source: path,
    path: where,
    expected,
  });
}

const formatPath = (segments: readonly PropertyKey[]): string =>
  segments.reduce<string>(
    (acc, segment) => (typeof segment === 'number' ? `${acc}[${segment}]` : `${acc}.${String(segment)}`),
    '$',
  );
