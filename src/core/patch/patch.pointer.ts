import { badRequest } from '../errors/domain-error';
import { formatPointer, getAt } from '../json-pointer/json-pointer';
import type { JsonObject, JsonValue } from '../../managed/managed-object';

/*
 * Pointer writes private to patching; parsing and reading come from the shared json-pointer module.
 * These helpers MUTATE the document they are given: applyPatch hands them a deep copy it owns, so the
 * caller's document is never touched.
 */

/** Defines an own member, so that a `__proto__` field is stored as data and never reaches a prototype. */
function setMember(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An array index token: `0` or a positive integer without leading zeros (RFC 6901). */
const arrayIndex = (token: string): number | undefined =>
  /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;

/** The value at `tokens`, or undefined when a step is missing. */
export const readAt = (doc: JsonObject, tokens: readonly string[]): JsonValue | undefined =>
  getAt(doc, tokens) as JsonValue | undefined;

/**
 * Walks to the container of the last token. With `create`, missing intermediate members are created as
 * objects (CREST "missing parent fields will be created as needed"); a scalar in the way is an error.
 */
function containerOf(
  doc: JsonObject,
  tokens: readonly string[],
  create: boolean,
): JsonObject | JsonValue[] | undefined {
  let current: JsonObject | JsonValue[] = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i] as string;
    let next: JsonValue | undefined;
    if (Array.isArray(current)) {
      const index = arrayIndex(token);
      next = index === undefined ? undefined : current[index];
    } else {
      next = Object.hasOwn(current, token) ? current[token] : undefined;
      if ((next === undefined || next === null) && create) {
        next = {};
        setMember(current, token, next);
      }
    }
    if (next === undefined || next === null || typeof next !== 'object') {
      if (!create) return undefined;
      const parent = formatPointer(tokens.slice(0, i + 1));
      throw badRequest(
        `Cannot patch ${formatPointer(tokens)}: ${parent} is missing or not an object or array`,
      );
    }
    current = next;
  }
  return current;
}

/**
 * CREST/OpenIDM `add` (ForgeRock `putPermissive`): sets an object member, replacing whatever was there (an
 * existing array included); on an array, `-` appends and an index inserts before that position.
 */
export function addAt(doc: JsonObject, tokens: readonly string[], value: JsonValue): void {
  const container = containerOf(doc, tokens, true) as JsonObject | JsonValue[];
  const last = tokens[tokens.length - 1] as string;
  if (!Array.isArray(container)) {
    setMember(container, last, value);
    return;
  }
  if (last === '-') {
    container.push(value);
    return;
  }
  const index = arrayIndex(last);
  if (index === undefined || index > container.length) {
    throw badRequest(`Cannot add at ${formatPointer(tokens)}: array index out of range`);
  }
  container.splice(index, 0, value);
}

/** Removes an object member or an array element; a missing target is left alone. Returns what was removed. */
export function removeAt(doc: JsonObject, tokens: readonly string[]): JsonValue | undefined {
  const container = containerOf(doc, tokens, false);
  const last = tokens[tokens.length - 1] as string;
  if (container === undefined) return undefined;
  if (Array.isArray(container)) {
    const index = arrayIndex(last);
    if (index === undefined || index >= container.length) return undefined;
    return container.splice(index, 1)[0];
  }
  if (!Object.hasOwn(container, last)) return undefined;
  const removed = container[last];
  delete container[last];
  return removed;
}

/** Overwrites a value that is known to exist (used by increment). */
export function overwriteAt(doc: JsonObject, tokens: readonly string[], value: JsonValue): void {
  const container = containerOf(doc, tokens, false) as JsonObject | JsonValue[];
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(container)) container[Number(last)] = value;
  else setMember(container, last, value);
}
