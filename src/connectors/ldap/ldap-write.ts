/**
 * What a create or a full-replace update sends to the directory, decided from the object type's schema and
 * the current entry: attributes for an add, the DN (canonical, every value escaped), a rename, modify changes,
 * and the wanted `ldapGroups`. No I/O here.
 */
import { Attribute, Change, type Entry } from 'ldapts';
import { badRequest } from '../../core/errors/domain-error';
import type { JsonObject } from '../../managed/managed-object';
import { canonicalDn, firstRdn, normalizeDn, type Rdn } from './ldap-dn';
import {
  LDAP_GROUPS,
  NAME,
  checkKnownProperties,
  currentValues,
  isAttribute,
  sameValues,
  toLdapValues,
} from './ldap-entry.mapper';
import type { ObjectTypeConfig, PropertyConfig } from './provisioner.config';

export interface CreatePlan {
  readonly dn: string;
  readonly attributes: Attribute[];
  /** Groups to join, or null when `ldapGroups` was not given. */
  readonly groups: string[] | null;
}

export interface UpdatePlan {
  /** The new DN when the object's `dn` differs from the entry's. */
  readonly newDn: string | null;
  readonly changes: Change[];
  readonly groups: string[] | null;
}

const nameProperty = (type: ObjectTypeConfig): PropertyConfig | undefined =>
  type.properties.find((p) => p.nativeName === NAME);
const groupsProperty = (type: ObjectTypeConfig): PropertyConfig | undefined =>
  type.properties.find((p) => p.nativeName === LDAP_GROUPS);

function wantedGroups(type: ObjectTypeConfig, object: JsonObject): string[] | null {
  const p = groupsProperty(type);
  if (!p || !(p.name in object)) return null;
  const value = object[p.name];
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((dn) => {
    if (typeof dn !== 'string') throw badRequest(`${p.name} takes group DNs`);
    return canonicalDn(dn);
  });
}

/** Values of `p`, with the RDN's values for this attribute added so the entry always carries its naming value. */
function withRdnValues(p: PropertyConfig, values: string[] | Buffer[], rdn: Rdn): string[] | Buffer[] {
  if (p.binary) return values;
  const strings = values as string[];
  const type = p.nativeName.toLowerCase();
  let missing: string[] | undefined;
  for (const ava of rdn) {
    if (ava.type.toLowerCase() !== type) continue;
    const value = ava.value.toLowerCase();
    if (!strings.some((s) => s.toLowerCase() === value)) (missing ??= []).push(ava.value);
  }
  if (missing === undefined) return strings;
  return p.array ? [...strings, ...missing] : missing.slice(0, 1);
}

function dnOf(type: ObjectTypeConfig, object: JsonObject): string | null {
  const p = nameProperty(type);
  const value = p ? object[p.name] : undefined;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`${p?.name ?? 'dn'} must be a DN string`);
  return canonicalDn(value);
}

export function planCreate(type: ObjectTypeConfig, object: JsonObject): CreatePlan {
  checkKnownProperties(type, object);
  const dn = dnOf(type, object);
  if (!dn) throw badRequest(`Creating a ${type.name} needs its DN (${nameProperty(type)?.name ?? 'dn'})`);
  const rdn = firstRdn(dn);
  const attributes: Attribute[] = [];
  const given = new Set<string>();
  for (const p of type.properties.filter(isAttribute)) {
    let values = toLdapValues(p, object[p.name]);
    if (values.length > 0 && p.flags.has('NOT_CREATABLE'))
      throw badRequest(`Property ${p.name} cannot be set on create`);
    values = withRdnValues(p, values, rdn);
    if (values.length === 0) {
      if (p.required) throw badRequest(`Property ${p.name} is required`);
      continue;
    }
    given.add(p.nativeName.toLowerCase());
    attributes.push(new Attribute({ type: p.nativeName, values }));
  }
  if (!given.has('objectclass'))
    attributes.push(new Attribute({ type: 'objectClass', values: [...type.objectClasses] }));
  // A naming attribute the object type does not declare still has to be in the entry.
  for (const ava of rdn) {
    if (!given.has(ava.type.toLowerCase()))
      attributes.push(new Attribute({ type: ava.type, values: [ava.value] }));
  }
  return { dn, attributes, groups: wantedGroups(type, object) };
}

/**
 * What an update is planned against besides the entry (planUpdate's `bases`): the caller's read of the object,
 * unless that read is the entry itself (`remembered`: RecentReads), and the target as the source's previous state
 * maps it. Only objects of properties count.
 */
export function updateBases(
  options: { readonly current?: object; readonly basis?: object },
  remembered: boolean,
): JsonObject[] {
  const candidates = [remembered ? undefined : options.current, options.basis];
  return candidates.filter(
    (basis): basis is JsonObject => basis !== undefined && basis !== null && !Array.isArray(basis),
  );
}

/** Whether `basis` holds property `p` with the values `desired` has (a property it lacks says nothing). */
function unchangedIn(basis: JsonObject, p: PropertyConfig, desired: string[] | Buffer[], rdn: Rdn): boolean {
  return p.name in basis && sameValues(withRdnValues(p, toLdapValues(p, basis[p.name]), rdn), desired);
}

/**
 * Full replace. Readable properties absent from `object` are removed (required ones are kept); properties that are
 * never read back (`NOT_READABLE`, `NOT_RETURNED_BY_DEFAULT`, e.g. the password) change only when given.
 * `NOT_UPDATEABLE` properties may be sent unchanged; a different value is refused.
 *
 * `bases`: objects that say where the caller means no change — the object it planned `object` from, when `entry`
 * was read after it (UpdateOptions.current), and the target as the source's previous state maps it
 * (UpdateOptions.basis). A property `object` gives as a basis has it is left as the entry has it now: a different
 * value in the entry is an edit made there, which a full replace would undo.
 */
export function planUpdate(
  type: ObjectTypeConfig,
  entry: Entry,
  object: JsonObject,
  bases: readonly JsonObject[] = [],
): UpdatePlan {
  checkKnownProperties(type, object);
  const wantedDn = dnOf(type, object);
  const newDn = wantedDn && normalizeDn(wantedDn) !== normalizeDn(entry.dn) ? wantedDn : null;
  const targetRdn = firstRdn(newDn ?? entry.dn);
  const changes: Change[] = [];
  for (const p of type.properties.filter(isAttribute)) {
    const hidden = p.flags.has('NOT_READABLE') || p.flags.has('NOT_RETURNED_BY_DEFAULT');
    const present = p.name in object;
    if (hidden) {
      const values = toLdapValues(p, object[p.name]);
      if (values.length === 0) continue;
      if (p.flags.has('NOT_UPDATEABLE')) throw badRequest(`Property ${p.name} cannot be updated`);
      changes.push(
        new Change({ operation: 'replace', modification: new Attribute({ type: p.nativeName, values }) }),
      );
      continue;
    }
    if (!present && p.required) continue;
    const desired = withRdnValues(p, toLdapValues(p, object[p.name]), targetRdn);
    if (bases.some((basis) => unchangedIn(basis, p, desired, targetRdn))) continue;
    const current = currentValues(entry, p);
    if (sameValues(current, desired)) continue;
    if (p.flags.has('NOT_UPDATEABLE')) throw badRequest(`Property ${p.name} cannot be updated`);
    if (desired.length === 0) {
      if (p.required) throw badRequest(`Property ${p.name} is required`);
      changes.push(
        new Change({ operation: 'delete', modification: new Attribute({ type: p.nativeName, values: [] }) }),
      );
    } else {
      changes.push(
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: p.nativeName, values: desired }),
        }),
      );
    }
  }
  return { newDn, changes, groups: wantedGroups(type, object) };
}
