/**
 * Writes planned from an entry the connector remembers from its own last write of it (WrittenEntries) instead
 * of one it searched for: the modify asserts the entryCSN it remembers (Assertion control) and brings back the
 * entry as it leaves it (Post-Read control), which becomes what is remembered next. Servers that lack either
 * control (Active Directory has no Post-Read) never fill the memory, so every write there reads first.
 */
import type { Change, Entry } from 'ldapts';
import { StaleReadError } from '../system-connector.port';
import { REVISION_ATTRIBUTE, requestedAttributes, returnedProperties } from './ldap-entry.mapper';
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
 * The attributes a remembered entry keeps: those a whole read returns and those an update compares — never a
 * hidden one (the password), which a write may set but no read returns.
 */
export function rememberedAttributes(type: ObjectTypeConfig, types: LdapObjectTypes, uid: string): string[] {
  const names = [...requestedAttributes(returnedProperties(type), uid), ...types.writableAttributes(type)];
  return [...new Set(names.filter((name) => name !== '1.1'))];
}

/**
 * The Post-Read control a remembering modify sends: the new entryCSN only. The rest of the entry is known (what
 * was remembered or read, and the changes sent: `afterChanges`); asking the directory for all of it kept its write
 * transaction open longer, and under load (a) the slowest PUTs got slower, not faster (docs/benchmarks.md).
 */
export function postReadOfCsn(): PostReadControl {
  return new PostReadControl([REVISION_ATTRIBUTE]);
}

/**
 * `entry` as a modify of `changes` at `dn` left it, with the entryCSN `csn`: replaced attributes take the values
 * sent, added values join, deleted attributes go (planUpdate deletes whole attributes); only `attributes` are kept (a password the modify set is not). Values are as sent, which is
 * how the directory stores them, though it may compare them otherwise (case): an entry whose remembered values differ
 * in form from the stored ones is written once more or read again, never wrongly left alone (StaleReadError).
 */
export function afterChanges(
  entry: Entry,
  dn: string,
  changes: readonly Change[],
  csn: string,
  attributes: readonly string[],
): Entry {
  const kept = new Map(attributes.map((name) => [name.toLowerCase(), name]));
  const after: Entry = { dn };
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'dn' && kept.has(key.toLowerCase())) after[key] = value;
  }
  const keyOf = (type: string): string =>
    Object.keys(after).find((key) => key.toLowerCase() === type.toLowerCase()) ?? type;
  for (const { operation, modification } of changes) {
    const name = kept.get(modification.type.toLowerCase());
    if (name === undefined) continue;
    const key = keyOf(name);
    const sent = modification.values as (string | Buffer)[];
    const values =
      operation === 'replace' ? sent : operation === 'add' ? [...toList(after[key]), ...sent] : [];
    if (values.length === 0) delete after[key];
    else after[key] = (values.length === 1 ? values[0] : values) as Entry[string];
  }
  after[keyOf(REVISION_ATTRIBUTE)] = csn;
  return after;
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

const toList = (value: Entry[string] | undefined): (string | Buffer)[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

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
