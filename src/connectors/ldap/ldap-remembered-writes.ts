/**
 * Writes planned from an entry the connector remembers from its own last write of it (WrittenEntries) instead
 * of one it searched for: the modify asserts the entryCSN it remembers (Assertion control) and brings back the
 * entry as it leaves it (Post-Read control), which becomes what is remembered next. Servers that lack either
 * control (Active Directory has no Post-Read) never fill the memory, so every write there reads first.
 */
import type { Change, Entry } from 'ldapts';
import { StaleReadError } from '../system-connector.port';
import {
  REVISION_ATTRIBUTE,
  binaryAttributes,
  requestedAttributes,
  returnedProperties,
} from './ldap-entry.mapper';
import { normalizeDn } from './ldap-dn';
import { isResultCodeError } from './ldap-errors';
import type { LdapObjectTypes } from './ldap-object-types';
import type { LdapConnection } from './ldap-pool';
import { readEntry } from './ldap-search';
import { ASSERTION_FAILED, AssertionControl, PostReadControl } from './ldap-write-controls';
import type { ObjectTypeConfig } from './provisioner.config';

const NO_SUCH_OBJECT = 32;

/** Whether the server announces both controls in its root DSE; a root DSE it will not show counts as no. */
export async function supportsWriteControls(conn: LdapConnection): Promise<boolean> {
  try {
    const rootDse = await readEntry(conn, '', ['supportedControl'], []);
    const raw = rootDse?.['supportedControl'];
    const announced = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
    return announced.has(AssertionControl.type) && announced.has(PostReadControl.type);
  } catch {
    return false;
  }
}

/**
 * What a Post-Read reply must hold for its entry to stand in for a read: the attributes a whole read returns, those
 * an update compares, and the entryCSN to assert.
 */
export function rememberedAttributes(type: ObjectTypeConfig, types: LdapObjectTypes, uid: string): string[] {
  const names = [
    ...requestedAttributes(returnedProperties(type), uid),
    ...types.writableAttributes(type),
    REVISION_ATTRIBUTE,
  ];
  return [...new Set(names.filter((name) => name !== '1.1'))];
}

/** The Post-Read control for a modify of an entry of `type`. */
export function postReadFor(type: ObjectTypeConfig, attributes: readonly string[]): PostReadControl {
  return new PostReadControl(attributes, binaryAttributes(type));
}

/** The entryCSN in an entry, or undefined without one (a server that keeps none, or a reply without it). */
export function csnOf(entry: Entry | undefined): string | undefined {
  const raw = entry?.[REVISION_ATTRIBUTE];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/**
 * Modifies `dn` only while its entryCSN is still `csn`. The entry changed since (assertionFailed), or renamed or
 * deleted (noSuchObject at the DN remembered), is a StaleReadError: nothing was written.
 */
export async function modifyAsserted(
  conn: LdapConnection,
  dn: string,
  changes: Change[],
  csn: string,
  postRead: PostReadControl,
): Promise<void> {
  try {
    await conn.client.modify(dn, changes, [AssertionControl.unchanged(REVISION_ATTRIBUTE, csn), postRead]);
  } catch (error) {
    if (isResultCodeError(error) && (error.code === ASSERTION_FAILED || error.code === NO_SUCH_OBJECT))
      throw staleEntry(dn, error.code === ASSERTION_FAILED ? 'changed' : 'renamed or deleted');
    throw error;
  }
}

export function staleEntry(dn: string, what: string): StaleReadError {
  return new StaleReadError(`The entry ${dn} was ${what} since this connector last wrote it`, { dn });
}

/** Whether groups `wanted` (null: not given) differ from `known` (undefined: not known), DNs in normal form. */
export function groupsDiffer(
  wanted: readonly string[] | null,
  known: readonly string[] | undefined,
): boolean {
  if (wanted === null) return false;
  if (known === undefined) return true;
  const a = new Set(wanted.map(normalizeDn));
  const b = new Set(known.map(normalizeDn));
  return a.size !== b.size || [...a].some((dn) => !b.has(dn));
}
