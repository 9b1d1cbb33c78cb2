/**
 * CREST `_queryFilter` AST → RFC 4515 LDAP filter string. Every assertion value goes through escapeFilterValue,
 * so `*`, `(`, `)`, `\` and NUL in user input are matched literally and cannot change the filter's structure.
 */
import { badRequest } from '../../core/errors/domain-error';
import type { FilterValue, JsonPointer, QueryFilter } from '../../core/query-filter/query-filter.ast';

/** How a filter field maps to an LDAP attribute; null rejects the field (unknown, unreadable or computed). */
export interface FilterAttribute {
  readonly attribute: string;
  /** Values are base64 text to be matched as raw bytes. */
  readonly binary: boolean;
}
export type ResolveFilterField = (field: JsonPointer) => FilterAttribute | null;

const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)(?:;[A-Za-z0-9-]+)*$/;
export const MATCH_ALL = '(objectClass=*)';
export const MATCH_NONE = '(!(objectClass=*))';

/** RFC 4515 §3: escapes `* ( ) \ NUL` and, for readability in logs, other control characters. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '*' || ch === '(' || ch === ')' || ch === '\\' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Every byte as `\xx`: the safe form of a binary assertion value. */
export function escapeFilterBytes(bytes: Buffer): string {
  return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
}

function assertionValue(value: FilterValue, attr: FilterAttribute): string {
  if (attr.binary) {
    if (typeof value !== 'string')
      throw badRequest(`Binary attribute ${attr.attribute} takes a base64 value`);
    return escapeFilterBytes(Buffer.from(value, 'base64'));
  }
  // LDAP's Boolean syntax is upper case; numbers compare by their decimal text (integerMatch).
  const text = typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : String(value);
  return escapeFilterValue(text);
}

export function toLdapFilter(filter: QueryFilter, resolve: ResolveFilterField): string {
  const attributeOf = (field: JsonPointer): FilterAttribute => {
    const attr = resolve(field);
    const name = `/${field.join('/')}`;
    if (!attr) throw badRequest(`The filter field ${name} cannot be used in a query on this object type`);
    if (!ATTRIBUTE.test(attr.attribute))
      throw badRequest(`The filter field ${name} has no valid LDAP attribute name`);
    return attr;
  };
  const walk = (node: QueryFilter): string => {
    switch (node.type) {
      case 'true':
        return MATCH_ALL;
      case 'false':
        return MATCH_NONE;
      case 'and':
        return node.filters.length === 0 ? MATCH_ALL : `(&${node.filters.map(walk).join('')})`;
      case 'or':
        return node.filters.length === 0 ? MATCH_NONE : `(|${node.filters.map(walk).join('')})`;
      case 'not':
        return `(!${walk(node.filter)})`;
      case 'present':
        return `(${attributeOf(node.field).attribute}=*)`;
      case 'comparison': {
        const attr = attributeOf(node.field);
        const a = attr.attribute;
        const v = assertionValue(node.value, attr);
        switch (node.operator) {
          case 'eq':
            return `(${a}=${v})`;
          case 'co':
            return v === '' ? `(${a}=*)` : `(${a}=*${v}*)`;
          case 'sw':
            return v === '' ? `(${a}=*)` : `(${a}=${v}*)`;
          case 'ge':
            return `(${a}>=${v})`;
          case 'le':
            return `(${a}<=${v})`;
          // LDAP has only >= and <=; strict comparisons exclude equality.
          case 'gt':
            return `(&(${a}>=${v})(!(${a}=${v})))`;
          case 'lt':
            return `(&(${a}<=${v})(!(${a}=${v})))`;
        }
        break;
      }
      case 'extended': {
        // `ew` (ends with) is a common CREST extension with a direct LDAP equivalent.
        if (node.operator !== 'ew') throw badRequest(`Unsupported filter operator "${node.operator}"`);
        const attr = attributeOf(node.field);
        const v = assertionValue(node.value, attr);
        return v === '' ? `(${attr.attribute}=*)` : `(${attr.attribute}=*${v})`;
      }
    }
    throw badRequest('Unsupported query filter');
  };
  return walk(filter);
}

/** ANDs filters, dropping match-all parts; each part must already be a parenthesised filter. */
export function andFilters(parts: readonly (string | null | undefined)[]): string {
  const kept = parts.filter((p): p is string => !!p && p !== MATCH_ALL);
  if (kept.length === 0) return MATCH_ALL;
  if (kept.length === 1) return kept[0] as string;
  return `(&${kept.join('')})`;
}

/** An administrator's filter from the config, wrapped in parentheses when written without them. */
export function wrapConfigFilter(filter: string | null): string | null {
  if (!filter || filter.trim() === '') return null;
  const f = filter.trim();
  return f.startsWith('(') ? f : `(${f})`;
}

/** `(&(objectClass=a)(objectClass=b))` for the classes of an object type, `top` left out. */
export function objectClassFilter(objectClasses: readonly string[]): string {
  const classes = objectClasses.filter((c) => c.toLowerCase() !== 'top');
  return andFilters(classes.map((c) => `(objectClass=${escapeFilterValue(c)})`));
}
