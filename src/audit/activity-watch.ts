import { jsonEqual } from '../core/json-equal';
import { formatPointer, getAt, parsePointer } from '../core/json-pointer/json-pointer';
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
   * and whether a password did. Secrets are compared as stored: a new ciphertext is a new password.
   */
  changes(
    before: JsonObject,
    after: JsonObject,
    secrets: ReadonlySet<string>,
  ): { changedFields: string[]; passwordChanged: boolean } {
    const passwords = this.passwordFields ?? [...secrets].map((name) => [name]);
    const changedPasswords = passwords.filter((pointer) => differs(before, after, pointer));
    const changedWatched =
      this.watched === 'all'
        ? changedTopLevel(before, after).map((name) => [name])
        : this.watched.filter((pointer) => differs(before, after, pointer));
    const fields = new Set([...changedWatched, ...changedPasswords].map(formatPointer));
    return { changedFields: [...fields].sort(), passwordChanged: changedPasswords.length > 0 };
  }
}

/** Top-level properties that differ, in name order. */
export function changedTopLevel(before: JsonObject, after: JsonObject): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !jsonEqual(before[name], after[name])).sort();
}

function differs(before: JsonObject, after: JsonObject, pointer: Pointer): boolean {
  return !jsonEqual(getAt(before, pointer), getAt(after, pointer));
}
