/**
 * LDAP entry ↔ IDM object for one object type (shared/reference/openidm-sync-facts.md §8.1): every readable
 * property appears, absent ones as null; single-valued properties as scalars, `type: array` as arrays in the
 * server's value order; binary attributes as base64; `__NAME__` is the DN; `ldapGroups` is filled by the caller.
 */
import type { Entry } from 'ldapts';
import { badRequest } from '../../core/errors/domain-error';
import type { JsonObject, JsonValue } from '../../managed/managed-object';
import type { SystemObject } from '../system-connector.port';
import type { ObjectTypeConfig, PropertyConfig } from './provisioner.config';

export const NAME = '__NAME__';
export const LDAP_GROUPS = 'ldapGroups';

export const isReadable = (p: PropertyConfig): boolean =>
  !p.flags.has('NOT_READABLE') && !p.flags.has('NOT_RETURNED_BY_DEFAULT');
export const isAttribute = (p: PropertyConfig): boolean =>
  p.nativeName !== NAME && p.nativeName !== LDAP_GROUPS;

/** The properties a read returns, limited to `fields` when given (unknown field names are ignored). */
export function returnedProperties(type: ObjectTypeConfig, fields?: readonly string[]): PropertyConfig[] {
  const readable = type.properties.filter(isReadable);
  if (!fields || fields.length === 0) return readable;
  const wanted = new Set(fields.map((f) => f.replace(/^\//, '').split('/')[0]));
  return readable.filter((p) => wanted.has(p.name));
}

/**
 * The attribute that gives an entry's `_rev` when `_fields` asks for it: OpenLDAP's entryCSN, which every
 * change of the entry moves (recon's unchanged stamps). A directory without it gives no `_rev`.
 */
export const REVISION_ATTRIBUTE = 'entryCSN';

/** Whether `_fields` names `_rev`. */
export function wantsRevision(fields?: readonly string[]): boolean {
  return fields !== undefined && fields.some((field) => field.replace(/^\//, '') === '_rev');
}

/** Sets `_rev` from the entry's REVISION_ATTRIBUTE, when it has one. */
function addRevision(object: SystemObject, entry: Entry): SystemObject {
  const csn = firstValueOf(entry, REVISION_ATTRIBUTE);
  if (csn !== undefined) object['_rev'] = csn.toString();
  return object;
}

/** LDAP attributes to request: the returned properties' attributes plus the id attribute. */
export function requestedAttributes(properties: readonly PropertyConfig[], uidAttribute: string): string[] {
  const names = properties.filter(isAttribute).map((p) => p.nativeName);
  if (uidAttribute.toLowerCase() !== 'dn') names.push(uidAttribute);
  // Never an empty list, which would mean "all user attributes": `1.1` asks for none.
  return names.length > 0 ? [...new Set(names)] : ['1.1'];
}

export function binaryAttributes(type: ObjectTypeConfig): string[] {
  return type.properties.filter((p) => p.binary).flatMap((p) => [p.nativeName, p.nativeName.toLowerCase()]);
}

/** Case-insensitive attribute lookup: servers may return names in another case than requested. */
function valuesOf(entry: Entry, attribute: string): (string | Buffer)[] {
  const raw = rawValueOf(entry, attribute);
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** `valuesOf(…)[0]`, without the list: the id and the revision of every entry a recon reads. */
function firstValueOf(entry: Entry, attribute: string): string | Buffer | undefined {
  const raw = rawValueOf(entry, attribute);
  return Array.isArray(raw) ? raw[0] : raw;
}

function rawValueOf(entry: Entry, attribute: string): Entry[string] | undefined {
  // The exact spelling is the common case (slapd answers with the schema's names, which configs use): a property
  // lookup, where the case-insensitive scan would cost a few string allocations per attribute and entry.
  const key = Object.hasOwn(entry, attribute)
    ? attribute
    : Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  return key === undefined || key === 'dn' ? undefined : entry[key];
}

function fromLdap(value: string | Buffer, p: PropertyConfig): JsonValue {
  if (p.binary)
    return Buffer.isBuffer(value) ? value.toString('base64') : Buffer.from(value).toString('base64');
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  const itemType = p.array ? 'string' : p.type;
  if (itemType === 'boolean') return text.toUpperCase() === 'TRUE';
  if (itemType === 'integer' || itemType === 'number') return Number(text);
  return text;
}

/** `"uidAttribute": "dn"` makes the DN itself the object's id (renames then change the id). */
export function idsAreDns(uidAttribute: string): boolean {
  return uidAttribute.toLowerCase() === 'dn';
}

export function entryId(entry: Entry, uidAttribute: string): string {
  if (idsAreDns(uidAttribute)) return entry.dn;
  const first = firstValueOf(entry, uidAttribute);
  return first === undefined ? entry.dn : first.toString();
}

export function entryToObject(
  entry: Entry,
  properties: readonly PropertyConfig[],
  uidAttribute: string,
  groups: readonly string[] | undefined,
  withRevision = false,
): SystemObject {
  const id = entryId(entry, uidAttribute);
  if (properties.length === 0 && withRevision) {
    // An id and a revision only (recon's light pass reads every entry so): one literal, where adding `_rev` to
    // an object made without it allocated the object a second time over.
    const csn = firstValueOf(entry, REVISION_ATTRIBUTE);
    return csn === undefined ? { _id: id } : { _id: id, _rev: csn.toString() };
  }
  const object: SystemObject = { _id: id };
  for (const p of properties) {
    if (p.nativeName === NAME) object[p.name] = entry.dn;
    else if (p.nativeName === LDAP_GROUPS) object[p.name] = groups ? [...groups] : [];
    else {
      const values = valuesOf(entry, p.nativeName).map((v) => fromLdap(v, p));
      object[p.name] = p.array ? values : (values[0] ?? null);
    }
  }
  return withRevision ? addRevision(object, entry) : object;
}

/** Values of one property as LDAP wants them: strings, or Buffers for binary attributes. Null/[] → none. */
export function toLdapValues(p: PropertyConfig, value: JsonValue | undefined): string[] | Buffer[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  if (!p.array && items.length > 1) throw badRequest(`Property ${p.name} takes a single value`);
  if (p.binary) {
    return items.map((item) => {
      if (typeof item !== 'string') throw badRequest(`Property ${p.name} takes base64 text`);
      return Buffer.from(item, 'base64');
    });
  }
  return items.map((item) => {
    if (typeof item === 'boolean') return item ? 'TRUE' : 'FALSE';
    if (typeof item === 'number') return String(item);
    if (typeof item === 'string') return item;
    throw badRequest(`Property ${p.name} takes scalar values`);
  });
}

/** Rejects properties the object type does not declare (OpenICF refuses unknown attributes too). */
export function checkKnownProperties(type: ObjectTypeConfig, object: JsonObject): void {
  const known = new Set(type.properties.map((p) => p.name));
  for (const key of Object.keys(object)) {
    if (key === '_id' || key === '_rev') continue;
    if (!known.has(key)) throw badRequest(`Property ${key} is not defined for object type ${type.name}`);
  }
}

/** Compares current and desired values the way the directory would store them (order-sensitive for arrays). */
export function sameValues(a: readonly (string | Buffer)[], b: readonly (string | Buffer)[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((v, i) => {
    const w = b[i];
    if (w === undefined) return false;
    return Buffer.isBuffer(v) || Buffer.isBuffer(w) ? Buffer.from(v).equals(Buffer.from(w)) : v === w;
  });
}

export function currentValues(entry: Entry, p: PropertyConfig): (string | Buffer)[] {
  return valuesOf(entry, p.nativeName);
}
