import { jsonEqual } from '../core/json-equal';
import { escapePointerToken, formatPointer, getAt, parsePointer } from '../core/json-pointer/json-pointer';
import { oncePer } from '../core/once-per';
import type { JsonObject } from '../managed/managed-object';

type Pointer = readonly string[];

/** What ActivityWatch reads of audit.json (AuditConfig, or the same read-only). */
interface ActivitySettings {
  readonly eventTopics?: {
    readonly activity?: {
      readonly watchedFields?: readonly string[];
      readonly passwordFields?: readonly string[];
    };
  };
}

/**
 * Which changes an `audit/activity` event lists in `changedFields` and reports as `passwordChanged`: OpenIDM's
 * `eventTopics.activity.watchedFields` and `passwordFields` in audit.json.
 */
export class ActivityWatch {
  private constructor(
    /** `all`: every changed top-level property; otherwise these pointers only. */
    private readonly watched: 'all' | readonly Pointer[],
    /** Null: the managed type's private and encrypted properties are its passwords. */
    private readonly passwordFields: readonly Pointer[] | null,
  ) {}

  /**
   * A project without audit.json gets every changed property and its type's secrets as passwords: the activity
   * log says what changed without configuration. With audit.json, OpenIDM's meaning: the listed fields (`*` for
   * all, none when `watchedFields` is absent) and the listed password fields, which count as changed fields too.
   */
  static of(config: ActivitySettings | undefined): ActivityWatch {
    if (config === undefined) return new ActivityWatch('all', null);
    const activity = config.eventTopics?.activity;
    const watchedFields = activity?.watchedFields ?? [];
    const passwordFields = (activity?.passwordFields ?? []).map(parsePointer);
    return new ActivityWatch(
      watchedFields.includes('*') ? 'all' : watchedFields.map(parsePointer),
      passwordFields,
    );
  }

  /**
   * What changed between two stored documents: the watched fields that differ, as pointers (`/mail`) in order,
   * and whether a password did. Secrets are compared as stored: a new ciphertext is a new password. Runs once
   * per managed write (100,000 times in a first recon), so it builds the one list it returns and little else.
   */
  changes(
    before: JsonObject,
    after: JsonObject,
    secrets: ReadonlySet<string>,
  ): { changedFields: string[]; passwordChanged: boolean } {
    const fields: string[] = [];
    if (this.watched === 'all') {
      for (const name of changedTopLevel(before, after)) fields.push('/' + escapePointerToken(name));
    } else {
      for (const pointer of this.watched)
        if (differs(before, after, pointer)) addOnce(fields, formatPointer(pointer));
    }
    let passwordChanged = false;
    for (const pointer of this.passwordFields ?? secretPointers(secrets)) {
      if (!differs(before, after, pointer)) continue;
      passwordChanged = true;
      addOnce(fields, formatPointer(pointer));
    }
    return { changedFields: sortedInPlace(fields), passwordChanged };
  }
}

/** Top-level properties that differ, in name order. */
export function changedTopLevel(before: JsonObject, after: JsonObject): string[] {
  const names: string[] = [];
  for (const name in before) {
    if (Object.hasOwn(before, name) && !jsonEqual(before[name], after[name])) names.push(name);
  }
  for (const name in after) {
    if (Object.hasOwn(after, name) && !Object.hasOwn(before, name) && !jsonEqual(before[name], after[name])) {
      names.push(name);
    }
  }
  return sortedInPlace(names);
}

function differs(before: JsonObject, after: JsonObject, pointer: Pointer): boolean {
  return !jsonEqual(getAt(before, pointer), getAt(after, pointer));
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

/**
 * `list` in code-unit order, sorted where it is. A few dozen names (a managed object's properties) are sorted
 * by insertion, which allocates nothing; Array.prototype.sort allocated about 900 bytes a call, once per
 * managed write.
 */
function sortedInPlace(list: string[]): string[] {
  if (list.length > 64) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as string;
    let at = i - 1;
    for (; at >= 0 && (list[at] as string) > item; at--) list[at + 1] = list[at] as string;
    list[at + 1] = item;
  }
  return list;
}

/** The secrets of a type as top-level pointers, worked out once per set (one per managed type). */
const secretPointers = oncePer((secrets: ReadonlySet<string>): readonly Pointer[] =>
  [...secrets].map((name) => [name]),
);
