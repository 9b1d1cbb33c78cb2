/**
 * The typed form of `provisioner.openicf-<name>.json` (shared/reference/openidm-sync-facts.md §8.2) after
 * `&{…}` substitution and validation. The connector never sees the raw JSON.
 */
import type { Secret } from './secret';

export const PROVISIONER_FILE_NAME = /^provisioner\.openicf-(.+)\.json$/;

/** OpenICF operation names as used in `operationTimeout` and `operationOptions`. */
export type ConnectorOperation =
  | 'CREATE'
  | 'UPDATE'
  | 'DELETE'
  | 'GET'
  | 'SEARCH'
  | 'SYNC'
  | 'TEST'
  | 'AUTHENTICATE'
  | 'VALIDATE'
  | 'SCHEMA'
  | 'SCRIPT_ON_CONNECTOR'
  | 'SCRIPT_ON_RESOURCE'
  | 'RESOLVEUSERNAME';

export type PropertyFlag = 'NOT_READABLE' | 'NOT_RETURNED_BY_DEFAULT' | 'NOT_CREATABLE' | 'NOT_UPDATEABLE';

/** `__NAME__` is the entry's DN; `ldapGroups` is computed from the groups' member attribute. */
export interface PropertyConfig {
  /** The IDM (REST) name. */
  readonly name: string;
  /** The LDAP attribute, `__NAME__` for the DN or `ldapGroups`. */
  readonly nativeName: string;
  readonly type: string;
  readonly array: boolean;
  /** `JAVA_TYPE_BYTE_ARRAY` (or `byte[]`): read and written as base64 text. */
  readonly binary: boolean;
  readonly required: boolean;
  readonly flags: ReadonlySet<PropertyFlag>;
}

export interface ObjectTypeConfig {
  /** The REST name (`account`, `group`, …). */
  readonly name: string;
  /** `__ACCOUNT__`, `__GROUP__`, or an LDAP object class for other types. */
  readonly nativeType: string;
  /** Written on create; every one (but `top`) must be present for an entry to be of this type. */
  readonly objectClasses: readonly string[];
  /** `accountSearchFilter` / `groupSearchFilter`: an extra LDAP filter ANDed to every search. */
  readonly searchFilter: string | null;
  readonly properties: readonly PropertyConfig[];
}

export interface LdapConnectionConfig {
  /** Primary URL first, then `failover` URLs, tried in order. */
  readonly urls: readonly string[];
  readonly startTLS: boolean;
  readonly principal: string | null;
  readonly credentials: Secret | null;
  readonly connectTimeoutMs: number;
  /** Trust every server certificate (for self-signed test servers); defaults to false. */
  readonly allowUntrustedCertificates: boolean;
  /** PEM CA certificates to trust, in addition to Node's defaults. */
  readonly trustedCertificates: readonly string[];
}

export interface ProvisionerConfig {
  /** `system/<name>`. */
  readonly name: string;
  readonly connection: LdapConnectionConfig;
  readonly baseContexts: readonly string[];
  readonly baseContextsToSynchronize: readonly string[];
  /** `entryUUID` (default) or `dn`. */
  readonly uidAttribute: string;
  readonly groupMemberAttribute: string;
  readonly maintainLdapGroupMembership: boolean;
  readonly usePagedResultControl: boolean;
  readonly blockSize: number;
  readonly passwordAttribute: string;
  readonly accountUserNameAttributes: readonly string[];
  readonly modifiersNamesToFilterOut: readonly string[];
  readonly objectClassesToSynchronize: readonly string[];
  readonly useTimestampsForSync: boolean;
  readonly changeLogBlockSize: number;
  readonly pool: { readonly maxObjects: number; readonly maxWaitMs: number; readonly maxIdleMs: number };
  /** Milliseconds per operation; absent = no limit (OpenICF's -1). */
  readonly operationTimeouts: Readonly<Partial<Record<ConnectorOperation, number>>>;
  readonly syncFailureHandler: {
    readonly maxRetries: number;
    /** `logged-ignore`, `dead-letter-queue` or `{"script": {...}}`. */
    readonly postRetryAction: string | { readonly script: Readonly<Record<string, unknown>> };
  };
  readonly objectTypes: ReadonlyMap<string, ObjectTypeConfig>;
  readonly deniedOperations: Readonly<Partial<Record<string, ReadonlySet<ConnectorOperation>>>>;
}
