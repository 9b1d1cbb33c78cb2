import { formatPointer, isPlainObject } from '../json-pointer/json-pointer';
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
  collectChanges(existingTarget, mappedTarget, [], diff);
  return { changed: diff.length > 0, diff };
}

/** The diff of a CREATE: every property of the new object, as added. */
export function planCreate(mappedTarget: JsonObject): TargetPlan {
  return planUpdate({}, mappedTarget);
}

function collectChanges(before: JsonObject, after: JsonObject, path: string[], out: FieldChange[]): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const left = before[key];
    const right = after[key];
    if (jsonEqual(left, right) || (left === undefined && right === undefined)) continue;
    const at = [...path, key];
    if (isPlainObject(left) && isPlainObject(right)) {
      collectChanges(left, right, at, out);
      continue;
    }
    out.push({
      field: formatPointer(at),
      ...(left === undefined ? {} : { before: left }),
      ...(right === undefined ? {} : { after: right }),
    });
  }
}
