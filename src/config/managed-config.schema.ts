import { z } from 'zod';
import { booleanLike, looseObject, uniqueBy, whenArray } from './schema.helpers';

/**
 * `managed.json`: the managed object types (`/openidm/managed/<name>`) and their JSON-schema-like property
 * declarations. Concord reads `type`, `searchable`, `unique`, `required`, `encryption`, `scope`, `default`,
 * `items`, `policies` and nested `properties`; every other OpenIDM key (viewable, title, onCreate scripts, ...)
 * passes through untouched.
 */

export const PROPERTY_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'null',
  'relationship',
] as const;

const typeName = z.enum(PROPERTY_TYPES, {
  error: `expected one of ${PROPERTY_TYPES.map((t) => `"${t}"`).join(', ')}`,
});

const propertyType = z.union([typeName, z.array(typeName).min(1)], {
  error: `expected a type name (${PROPERTY_TYPES.join(', ')}) or an array of them`,
});

const policy = looseObject({
  policyId: z.string({ error: 'expected a policy id string' }),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** `{"key": "openidm-sym-default"}` in OpenIDM; `true` is accepted as "encrypt with the default key". */
const encryption = z.union([z.boolean(), looseObject({ key: z.string().optional() })], {
  error: 'expected true/false or an object like {"key": "openidm-sym-default"}',
});

export interface ManagedProperty {
  type?: (typeof PROPERTY_TYPES)[number] | (typeof PROPERTY_TYPES)[number][];
  searchable?: boolean;
  unique?: boolean;
  required?: boolean | string[];
  encryption?: boolean | { key?: string; [extra: string]: unknown };
  scope?: 'private' | 'public';
  default?: unknown;
  items?: ManagedProperty;
  properties?: Record<string, ManagedProperty>;
  policies?: { policyId: string; params?: Record<string, unknown>; [extra: string]: unknown }[];
  [extra: string]: unknown;
}

export const managedPropertySchema: z.ZodType<ManagedProperty> = looseObject({
  type: propertyType.optional(),
  searchable: booleanLike().optional(),
  unique: booleanLike().optional(),
  // `true` on a property (Concord, older OpenIDM), or an array of sub-property names on an object property.
  required: z
    .union([booleanLike(), z.array(z.string())], {
      error: 'expected true/false or an array of property names',
    })
    .optional(),
  encryption: encryption.optional(),
  scope: z.enum(['private', 'public'], { error: 'expected "private" or "public"' }).optional(),
  default: z.unknown().optional(),
  get items() {
    return managedPropertySchema.optional();
  },
  get properties() {
    return z.record(z.string(), managedPropertySchema).optional();
  },
  policies: z.array(policy).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
});

const objectSchema = looseObject({
  $schema: z.string().optional(),
  type: z.literal('object', { error: 'expected "object"' }).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  required: z.array(z.string()).optional(),
  order: z.array(z.string()).optional(),
  properties: z.record(z.string(), managedPropertySchema).optional(),
}).superRefine(
  (schema, ctx) => {
    // A name in `required` that no property declares is almost always a typo of a declared one.
    const { properties, required } = schema as { properties?: unknown; required?: unknown };
    if (!isRecord(properties) || !Array.isArray(required)) return;
    required.forEach((name: unknown, index) => {
      if (typeof name === 'string' && !(name in properties)) {
        ctx.addIssue({
          code: 'custom',
          path: ['required', index],
          message: `expected the name of a property declared in "properties", got "${name}"`,
        });
      }
    });
  },
  // Also when a property failed, so a start lists every problem at once.
  { when: (payload) => isRecord(payload.value) },
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Object type names become URL path segments (`/openidm/managed/<name>`) and repository keys. */
const PATH_SAFE = /^[A-Za-z0-9_-]+$/;

const managedObject = looseObject({
  name: z
    .string({ error: 'expected an object type name (letters, digits, "_" and "-")' })
    .regex(PATH_SAFE, { error: 'expected an object type name (letters, digits, "_" and "-")' }),
  schema: objectSchema.optional(),
  // OpenIDM 2/3 declared encryption and scope in a list here; ignored, it would store and return secrets in clear.
  properties: z
    .unknown()
    .refine((value) => !Array.isArray(value), {
      message:
        'the properties of "schema" (OpenIDM 4+), with "encryption" and "scope" there; this OpenIDM 3 list is not read',
    })
    .optional(),
});

/** OpenIDM's managed object scripts, which Concord does not run. */
const OBJECT_SCRIPTS = [
  'onCreate',
  'onRead',
  'onUpdate',
  'onDelete',
  'onValidate',
  'onRetrieve',
  'onStore',
  'onSync',
  'postCreate',
  'postUpdate',
  'postDelete',
] as const;

/** One notice per managed object script the file declares: they are accepted, and not run. */
export function unrunManagedScripts(file: string, config: ManagedConfig): string[] {
  const notices: string[] = [];
  config.objects.forEach((object, index) => {
    for (const key of OBJECT_SCRIPTS) {
      if (key in object)
        notices.push(`${file}: /objects/${index}/${key}: managed object scripts are not run by Concord`);
    }
  });
  return notices;
}

export const managedConfigSchema = looseObject({
  objects: z.array(managedObject).superRefine(uniqueBy('name', 'object name'), whenArray),
});

export type ManagedConfig = z.output<typeof managedConfigSchema>;
export type ManagedObjectConfig = ManagedConfig['objects'][number];
