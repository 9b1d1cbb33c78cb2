/**
 * What OpenIDM says about a configured connector in `POST /openidm/system?_action=test`:
 * `{name, enabled, config, objectTypes, connectorRef, displayName, ok, error?}`. Built from the provisioner
 * file's public parts only; `configurationProperties` (which hold the credentials) never reach it.
 */
import type { JsonObject, JsonValue } from '../managed/managed-object';

export interface ConnectorDescriptor {
  readonly name: string;
  readonly enabled: boolean;
  /** OpenIDM's config id: `config/provisioner.openicf/<file name part>`. */
  readonly config: string;
  readonly objectTypes: readonly string[];
  readonly connectorRef: JsonObject;
  readonly displayName: string;
}

export interface ConnectorTestReport extends ConnectorDescriptor {
  readonly ok: boolean;
  readonly error?: string;
}

/** The `connectorRef` keys OpenIDM echoes; anything else a file carries there stays out of responses. */
const CONNECTOR_REF_KEYS = ['bundleName', 'bundleVersion', 'connectorName', 'connectorHostRef'] as const;

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'org.identityconnectors.ldap.LdapConnector': 'LDAP Connector',
};

/** `configKey` is the loader's key (`provisioner.openicf/ldap`); `file` the validated provisioner file. */
export function describeConnector(configKey: string, file: Record<string, unknown>): ConnectorDescriptor {
  const ref = isObject(file.connectorRef) ? file.connectorRef : {};
  const connectorRef: JsonObject = {};
  for (const key of CONNECTOR_REF_KEYS) {
    const value = ref[key];
    if (typeof value === 'string') connectorRef[key] = value;
  }
  const connectorName = typeof ref.connectorName === 'string' ? ref.connectorName : '';
  const types = isObject(file.objectTypes) ? Object.keys(file.objectTypes) : [];
  return {
    name: String(file.name),
    enabled: file.enabled !== false && file.enabled !== 'false',
    config: `config/${configKey}`,
    objectTypes: types,
    connectorRef,
    displayName: DISPLAY_NAMES[connectorName] ?? 'LDAP Connector',
  };
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
