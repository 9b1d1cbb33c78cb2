/**
 * Validation of `provisioner.openicf-<name>.json` in OpenIDM's IDM 6+ format, and its compilation into the typed
 * ProvisionerConfig. Errors name the JSON path; credentials never appear in them.
 */
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error';
import type {
  ConnectorOperation,
  ObjectTypeConfig,
  PropertyConfig,
  PropertyFlag,
  ProvisionerConfig,
} from './provisioner.config';
import { resolveProperties } from '../../core/config/property-substitution';
import { Secret } from './secret';

export { PROVISIONER_FILE_NAME } from './provisioner.config';
export type { ProvisionerConfig } from './provisioner.config';

// `&{…}` substitution produces strings; accept them where OpenIDM's files put numbers and booleans.
const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const boolLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const stringList = z.array(z.string());
const nullableString = z.string().nullish();

const OPERATIONS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'GET',
  'SEARCH',
  'SYNC',
  'TEST',
  'AUTHENTICATE',
  'VALIDATE',
  'SCHEMA',
  'SCRIPT_ON_CONNECTOR',
  'SCRIPT_ON_RESOURCE',
  'RESOLVEUSERNAME',
] as const satisfies readonly ConnectorOperation[];

const flag = z.enum(['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT', 'NOT_CREATABLE', 'NOT_UPDATEABLE']);

const propertySchema = z.object({
  type: z.string().default('string'),
  nativeName: z.string().optional(),
  nativeType: z.string().optional(),
  required: boolLike.optional(),
  items: z.object({ type: z.string().optional(), nativeType: z.string().optional() }).loose().optional(),
  flags: z.array(flag).optional(),
});

const objectTypeSchema = z
  .object({
    nativeType: z.string().optional(),
    id: z.string().optional(),
    properties: z.record(z.string(), propertySchema),
  })
  .loose();

const urlList = z.array(z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'an ldap:// or ldaps:// URL'));

const configurationPropertiesSchema = z
  .object({
    host: z.string().min(1),
    port: intLike.pipe(z.number().int().min(1).max(65535)),
    ssl: boolLike.default(false),
    startTLS: boolLike.default(false),
    principal: nullableString,
    // Clear text (usually from a `&{…}` property); OpenIDM's `{"$crypto": …}` objects are not supported.
    credentials: z.union([z.string(), z.null()]).optional(),
    baseContexts: stringList.min(1),
    baseContextsToSynchronize: stringList.nullish(),
    accountObjectClasses: stringList.default(['top', 'person', 'organizationalPerson', 'inetOrgPerson']),
    groupObjectClasses: stringList.default(['top', 'groupOfUniqueNames']),
    accountSearchFilter: nullableString,
    groupSearchFilter: nullableString,
    accountUserNameAttributes: stringList.default(['uid']),
    uidAttribute: z.string().default('entryUUID'),
    groupMemberAttribute: z.string().default('uniqueMember'),
    maintainLdapGroupMembership: boolLike.default(false),
    usePagedResultControl: boolLike.default(true),
    blockSize: intLike.pipe(z.number().int().min(1).max(100000)).default(100),
    passwordAttribute: z.string().default('userPassword'),
    failover: urlList.default([]),
    modifiersNamesToFilterOut: stringList.default([]),
    objectClassesToSynchronize: stringList.default(['inetOrgPerson']),
    useTimestampsForSync: boolLike.default(false),
    changeLogBlockSize: intLike.pipe(z.number().int().min(1)).default(100),
    connectTimeout: intLike.pipe(z.number().int().min(1)).default(5000),
    allowUntrustedCertificates: boolLike.default(false),
    trustedCertificates: stringList.default([]),
  })
  .loose()
  .refine((p) => !(p.ssl && p.startTLS), {
    message: 'ssl and startTLS cannot both be true',
    path: ['startTLS'],
  });

export const provisionerFileSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a name usable in the path system/<name>'),
    connectorRef: z.object({ connectorName: z.string().optional() }).loose().optional(),
    configurationProperties: configurationPropertiesSchema,
    poolConfigOption: z
      .object({
        maxObjects: intLike.optional(),
        maxWait: intLike.optional(),
        minEvictableIdleTimeMillis: intLike.optional(),
      })
      .loose()
      .optional(),
    operationTimeout: z.record(z.string(), intLike).optional(),
    syncFailureHandler: z
      .object({
        maxRetries: intLike.optional(),
        // `logged-ignore`, `dead-letter-queue` or `{"script": {...}}` (§5.3); livesync/sync-failure.policy.ts
        // checks the names and the script object.
        postRetryAction: z
          .union([z.string(), z.object({ script: z.record(z.string(), z.unknown()) }).loose()])
          .optional(),
      })
      .loose()
      .optional(),
    resultsHandlerConfig: z.record(z.string(), z.unknown()).optional(),
    objectTypes: z
      .record(z.string(), objectTypeSchema)
      .refine((types) => Object.keys(types).length > 0, 'at least one'),
    operationOptions: z
      .record(
        z.string(),
        z
          .object({
            denied: boolLike.optional(),
            objectFeatures: z
              .record(z.string(), z.object({ denied: boolLike.optional() }).loose())
              .optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

type ProvisionerFile = z.infer<typeof provisionerFileSchema>;

/**
 * Validates and compiles one provisioner file. `raw` may still hold `&{…}` references; they are resolved from
 * `properties` (unresolved ones take their default). Throws DomainError('CONFIG_INVALID') naming the JSON path.
 */
export function compileProvisioner(
  raw: unknown,
  properties: Readonly<Record<string, string | undefined>> = {},
): ProvisionerConfig {
  const resolved = resolveProperties(raw, (name) => properties[name], 'provisioner');
  const parsed = provisionerFileSchema.safeParse(resolved);
  if (!parsed.success) {
    // Only the path and zod's message: the received value (which could be a credential) is left out.
    const issue = parsed.error.issues[0];
    const path = `/${(issue?.path ?? []).map(String).join('/')}`;
    throw new DomainError('CONFIG_INVALID', `provisioner: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return toConfig(parsed.data);
}

function toConfig(file: ProvisionerFile): ProvisionerConfig {
  const p = file.configurationProperties;
  const scheme = p.ssl ? 'ldaps' : 'ldap';
  const pool = file.poolConfigOption ?? {};
  const timeouts: Partial<Record<ConnectorOperation, number>> = {};
  for (const [op, ms] of Object.entries(file.operationTimeout ?? {})) {
    if (ms > 0 && (OPERATIONS as readonly string[]).includes(op)) timeouts[op as ConnectorOperation] = ms;
  }
  const objectTypes = new Map<string, ObjectTypeConfig>();
  for (const [name, type] of Object.entries(file.objectTypes)) {
    objectTypes.set(name, toObjectType(name, type, file));
  }
  return {
    name: file.name,
    connection: {
      urls: [`${scheme}://${p.host}:${p.port}`, ...p.failover.map((url) => url.replace(/\/$/, ''))],
      startTLS: p.startTLS,
      principal: p.principal ?? null,
      credentials: typeof p.credentials === 'string' ? new Secret(p.credentials) : null,
      connectTimeoutMs: p.connectTimeout,
      allowUntrustedCertificates: p.allowUntrustedCertificates,
      trustedCertificates: p.trustedCertificates,
    },
    baseContexts: p.baseContexts,
    baseContextsToSynchronize: p.baseContextsToSynchronize?.length
      ? p.baseContextsToSynchronize
      : p.baseContexts,
    uidAttribute: p.uidAttribute,
    groupMemberAttribute: p.groupMemberAttribute,
    maintainLdapGroupMembership: p.maintainLdapGroupMembership,
    usePagedResultControl: p.usePagedResultControl,
    blockSize: p.blockSize,
    passwordAttribute: p.passwordAttribute,
    accountUserNameAttributes: p.accountUserNameAttributes,
    modifiersNamesToFilterOut: p.modifiersNamesToFilterOut,
    objectClassesToSynchronize: p.objectClassesToSynchronize,
    useTimestampsForSync: p.useTimestampsForSync,
    changeLogBlockSize: p.changeLogBlockSize,
    pool: {
      maxObjects: Math.max(1, pool.maxObjects ?? 10),
      maxWaitMs: Math.max(1, pool.maxWait ?? 150000),
      maxIdleMs: Math.max(1000, pool.minEvictableIdleTimeMillis ?? 120000),
    },
    operationTimeouts: timeouts,
    syncFailureHandler: {
      maxRetries: file.syncFailureHandler?.maxRetries ?? 5,
      postRetryAction: file.syncFailureHandler?.postRetryAction ?? 'logged-ignore',
    },
    objectTypes,
    deniedOperations: deniedOperations(file, objectTypes),
  };
}

function toObjectType(
  name: string,
  type: ProvisionerFile['objectTypes'][string],
  file: ProvisionerFile,
): ObjectTypeConfig {
  const p = file.configurationProperties;
  const nativeType = type.nativeType ?? type.id ?? name;
  const isAccount = nativeType === '__ACCOUNT__';
  const isGroup = nativeType === '__GROUP__';
  const properties: PropertyConfig[] = Object.entries(type.properties).map(([propName, prop]) => {
    const nativeType = prop.items?.nativeType ?? prop.nativeType ?? '';
    return {
      name: propName,
      nativeName: prop.nativeName ?? propName,
      type: prop.type,
      array: prop.type === 'array',
      binary: nativeType === 'JAVA_TYPE_BYTE_ARRAY' || nativeType === 'byte[]',
      required: prop.required ?? false,
      flags: new Set<PropertyFlag>(prop.flags ?? []),
    };
  });
  return {
    name,
    nativeType,
    objectClasses: isAccount ? p.accountObjectClasses : isGroup ? p.groupObjectClasses : [nativeType],
    searchFilter: (isAccount ? p.accountSearchFilter : isGroup ? p.groupSearchFilter : null) ?? null,
    properties,
  };
}

function deniedOperations(
  file: ProvisionerFile,
  objectTypes: ReadonlyMap<string, ObjectTypeConfig>,
): Partial<Record<string, ReadonlySet<ConnectorOperation>>> {
  const denied: Record<string, Set<ConnectorOperation>> = {};
  for (const type of objectTypes.values()) denied[type.name] = new Set();
  for (const [op, options] of Object.entries(file.operationOptions ?? {})) {
    if (!(OPERATIONS as readonly string[]).includes(op)) continue;
    for (const type of objectTypes.values()) {
      const feature = options.objectFeatures?.[type.nativeType] ?? options.objectFeatures?.[type.name];
      if (feature?.denied ?? options.denied) denied[type.name]?.add(op as ConnectorOperation);
    }
  }
  return denied;
}
