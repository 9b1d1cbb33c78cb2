import { isPlainObject } from '../json-pointer/json-pointer';
import type { ComparisonOperator, FilterValue, JsonPointer, QueryFilter } from './query-filter.ast';

/**
 * Evaluates a `_queryFilter` against one JSON document in memory (sync.json conditions, LDAP results,
 * anything not pushed down to a store). The semantics are exactly those of the PostgreSQL translation in
 * persistence/query-filter.sql.ts (SQL/JSON path in lax mode), so that a filter selects the same objects
 * wherever it runs:
 *
 * - Field navigation: a step into an object takes that member; a step into an array takes the member of
 *   each element that is an object (one level, as lax mode unwraps), so `/emails/value` reaches every
 *   `emails[i].value`. Numeric steps are member names, not array indexes.
 * - A comparison passes when any reached value, or any element of a reached array, passes.
 * - Values of a different JSON type never match (`"5" eq 5` is false). Strings compare case-sensitively
 *   by Unicode code point; numbers numerically; booleans only with `eq`; `co`/`sw` only on strings.
 * - `pr` passes when some reached value is not null (an empty array is present).
 * - Extended operators (`ew`, ...) are unknown here and never match.
 */
export function evaluateFilter(filter: QueryFilter, doc: unknown): boolean {
  switch (filter.type) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return filter.filters.every((f) => evaluateFilter(f, doc));
    case 'or':
      return filter.filters.some((f) => evaluateFilter(f, doc));
    case 'not':
      return !evaluateFilter(filter.filter, doc);
    case 'present':
      return reach(doc, filter.field).some((value) => value !== null);
    case 'comparison':
      return reach(doc, filter.field)
        .flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))
        .some((candidate) => compare(filter.operator, candidate, filter.value));
    case 'extended':
      return false;
  }
}

/** Every value `field` reaches in lax mode (see above); missing members reach nothing. */
export function reach(doc: unknown, field: JsonPointer): unknown[] {
  let values: unknown[] = [doc];
  for (const token of field) {
    const next: unknown[] = [];
    for (const value of values) {
      const holders = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const holder of holders) {
        if (isPlainObject(holder) && Object.prototype.hasOwnProperty.call(holder, token)) {
          next.push(holder[token]);
        }
      }
    }
    values = next;
  }
  return values;
}

function compare(operator: ComparisonOperator, actual: unknown, expected: FilterValue): boolean {
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false;
    switch (operator) {
      case 'eq':
        return actual === expected;
      case 'sw':
        return actual.startsWith(expected);
      case 'co':
        return actual.includes(expected);
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return ordered(operator, compareCodePoints(actual, expected));
    }
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (operator === 'sw' || operator === 'co') return false;
    return ordered(operator, actual === expected ? 0 : actual < expected ? -1 : 1);
  }
  return operator === 'eq' && actual === expected;
}

function ordered(operator: 'eq' | 'gt' | 'ge' | 'lt' | 'le', sign: number): boolean {
  switch (operator) {
    case 'eq':
      return sign === 0;
    case 'gt':
      return sign > 0;
    case 'ge':
      return sign >= 0;
    case 'lt':
      return sign < 0;
    case 'le':
      return sign <= 0;
  }
}

/**
 * Code-point order, which is also UTF-8 byte order (what PostgreSQL's jsonpath and `~<~` use). JavaScript's
 * `<` compares UTF-16 units and would put U+FFFD after U+1F600.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
