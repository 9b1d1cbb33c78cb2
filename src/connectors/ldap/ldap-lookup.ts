/**
 * Finding entries by id and by user name. Ids are values, never filters or DNs to be trusted: an entryUUID id is
 * syntax-checked and escaped, a DN id is parsed, re-serialized and must lie under the base contexts.
 */
import type { Entry } from 'ldapts';
import { notFound } from '../../core/errors/domain-error';
import { canonicalDn, isUnder } from './ldap-dn';
import { binaryAttributes, idsAreDns } from './ldap-entry.mapper';
import type { LdapObjectTypes } from './ldap-object-types';
import type { LdapConnection } from './ldap-pool';
import { readEntry, searchPages } from './ldap-search';
import type { ObjectTypeConfig, ProvisionerConfig } from './provisioner.config';

/** The entry of `id` among this type's entries under the base contexts; NOT_FOUND otherwise. */
export async function findEntry(
  conn: LdapConnection,
  config: ProvisionerConfig,
  types: LdapObjectTypes,
  type: ObjectTypeConfig,
  id: string,
  attributes: readonly string[],
): Promise<Entry> {
  // Built only when needed: an error captures a stack trace, and most lookups find their entry.
  const missing = () => notFound(`${config.name}/${type.name}/${id} not found`);
  const binary = binaryAttributes(type);
  if (idsAreDns(config.uidAttribute)) {
    let dn: string;
    try {
      dn = canonicalDn(id);
    } catch {
      throw missing();
    }
    if (!config.baseContexts.some((base) => isUnder(dn, base))) throw missing();
    const entry = await readEntry(conn, dn, attributes, binary, types.typeFilter(type));
    if (!entry) throw missing();
    return entry;
  }
  const filter = types.idFilter(type, id);
  if (!filter) throw missing();
  const [entry] = await findAll(conn, config.baseContexts, filter, attributes, binary);
  if (!entry) throw missing();
  return entry;
}

/** Every entry matching `filter` under `bases`, unpaged: for lookups that expect one or two entries. */
export async function findAll(
  conn: LdapConnection,
  bases: readonly string[],
  filter: string,
  attributes: readonly string[],
  binary: readonly string[] = [],
): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const page of searchPages(conn, {
    bases,
    scope: 'sub',
    filter,
    attributes,
    binaryAttributes: binary,
    pageSize: 0,
  })) {
    entries.push(...page);
  }
  return entries;
}
