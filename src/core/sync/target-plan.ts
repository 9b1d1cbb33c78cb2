import { escapePointerToken, isPlainObject } from '../json-pointer/json-pointer';
import { jsonEqual } from '../json-equal';
import type { JsonObject } from './script';

/** One property that an action would change: `before` undefined = added, `after` undefined = removed. */
export interface FieldChange {
  /** JSON pointer of the changed property, e.g. `/mail` or `/address/city`. */
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface TargetPlan {
  /** Whether a write is needed: an UPDATE writes only when the mapped target differs (deep equality). */
  readonly changed: boolean;
  /** The property-level difference, also what a dry run reports. */
  readonly diff: readonly FieldChange[];
}

/**
 * Compares the target as it is with the target the mappings (and onUpdate) produced. Nested objects are
 * compared member by member so the diff names the leaf (`/address/city`); arrays and scalars as a whole.
 * Key order and members whose value is undefined do not count.
 */
export function planUpdate(existingTarget: JsonObject, mappedTarget: JsonObject): TargetPlan {
  const diff: FieldChange[] = [];
  collectChanges(existingTarget, mappedTarget, '', diff);
  return { changed: diff.length > 0, diff };
}

/** The diff of a CREATE: every property of the new object, as added. */
export function planCreate(mappedTarget: JsonObject): TargetPlan {
  return planUpdate({}, mappedTarget);
}

/**
 * `planUpdate(existingTarget, mappedTarget).changed`, stopping at the first difference and building no diff:
 * recon asks it of every entry it writes (the implicit sync that would follow, pending-link-echo.ts).
 */
export function targetChanges(existingTarget: JsonObject, mappedTarget: JsonObject): boolean {
  for (const key of Object.keys(existingTarget)) {
    if (memberChanges(existingTarget[key], mappedTarget[key])) return true;
  }
  for (const key of Object.keys(mappedTarget)) {
    if (!Object.hasOwn(existingTarget, key) && memberChanges(undefined, mappedTarget[key])) return true;
  }
  return false;
}

function memberChanges(left: unknown, right: unknown): boolean {
  if (jsonEqual(left, right) || (left === undefined && right === undefined)) return false;
  return isPlainObject(left) && isPlainObject(right) ? targetChanges(left, right) : true;
}

/**
 * The members of `before` then those only in `after`, in that order; nested objects member by member.
 * `pointer` is the JSON pointer of the objects compared ('' at the top).
 */
function collectChanges(before: JsonObject, after: JsonObject, pointer: string, out: FieldChange[]): void {
  for (const key of Object.keys(before)) collectChange(before[key], after[key], pointer, key, out);
  for (const key of Object.keys(after)) {
    if (!Object.hasOwn(before, key)) collectChange(undefined, after[key], pointer, key, out);
  }
}

function collectChange(
  left: unknown,
  right: unknown,
  pointer: string,
  key: string,
  out: FieldChange[],
): void {
  if (jsonEqual(left, right) || (left === undefined && right === undefined)) return;
  const field = `${pointer}/${escapePointerToken(key)}`;
  if (isPlainObject(left) && isPlainObject(right)) {
    collectChanges(left, right, field, out);
    return;
  }
  out.push({
    field,
    ...(left === undefined ? {} : { before: left }),
    ...(right === undefined ? {} : { after: right }),
  });
}
