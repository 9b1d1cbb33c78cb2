/**
 * Shared set-up for the LDAP connector's integration tests: the sample provisioner file pointed at a private
 * slapd, bound as the service account, with a jpegPhoto property added for the binary round trip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { compileProvisioner } from '../../../src/connectors/ldap/provisioner.schema';
import type { SlapdInstance } from '../../support/slapd';

export const SAMPLE_PROVISIONER = join(
  __dirname,
  '../../../samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json',
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON that tests reshape freely
export type RawProvisioner = Record<string, any>;

export function sampleProvisioner(): RawProvisioner {
  const raw = JSON.parse(readFileSync(SAMPLE_PROVISIONER, 'utf8'));
  raw.objectTypes.account.properties.jpegPhoto = {
    type: 'string',
    nativeName: 'jpegPhoto',
    nativeType: 'JAVA_TYPE_BYTE_ARRAY',
  };
  return raw;
}

export interface ConnectorOptions {
  readonly configure?: (raw: RawProvisioner) => void;
  /** Bind as the root DN instead of the service account. */
  readonly asRoot?: boolean;
}

export function connectorFor(slapd: SlapdInstance, options: ConnectorOptions = {}): LdapConnector {
  const raw = sampleProvisioner();
  options.configure?.(raw);
  return new LdapConnector(
    compileProvisioner(raw, {
      'openidm.ldap.host': slapd.host,
      'openidm.ldap.port': String(slapd.port),
      'openidm.ldap.principal': options.asRoot ? slapd.rootDn : slapd.serviceDn,
      'openidm.ldap.credentials': options.asRoot ? slapd.rootPassword : slapd.servicePassword,
    }),
  );
}

/** Collects a stream (tests only; the connector itself never holds a whole result). */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

export const ALL = { filter: { type: 'true' } } as const;

export const eq = (field: string, value: string) =>
  ({ filter: { type: 'comparison', operator: 'eq', field: [field], value } }) as const;
