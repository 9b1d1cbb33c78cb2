import { jsonEqual } from '../core/json-equal';
import type { ManagedTypeSchema } from '../core/managed/managed-schema';
import type { JsonObject } from '../managed/managed-object';
import type { AuditEvent } from '../sync/ports/audit.store';
import type { ActivityContext } from './activity-context';
import type { ManagedActivity } from './activity.recorder';

/** What an activity event needs besides the write: who, which request, when, and its `_id`. */
export interface ActivityStamp extends ActivityContext {
  readonly eventId: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
}

/**
 * The `audit/activity` event of one managed write (§9). `before` and `after` leave out every private and every
 * encrypted property (passwords, sealed values): the audit is read by people who must not see them. Changed
 * secrets still show as their names in `changedFields` and as `passwordChanged`.
 */
export function activityEvent(
  schema: ManagedTypeSchema,
  activity: ManagedActivity,
  stamp: ActivityStamp,
): AuditEvent {
  const { before, after } = activity;
  const object = after ?? before;
  const changed = changedFields(before?.doc ?? {}, after?.doc ?? {});
  const secrets = new Set([...schema.privateProperties, ...schema.encryptedProperties.keys()]);
  return {
    _id: stamp.eventId,
    timestamp: stamp.timestamp,
    eventName: 'activity',
    transactionId: stamp.transactionId,
    userId: stamp.userId,
    runAs: stamp.userId,
    operation: activity.operation,
    objectId: `managed/${activity.type}/${object?.id ?? ''}`,
    revision: object === null ? null : String(object.rev),
    before: before === null ? null : withoutSecrets(before.doc, secrets),
    after: after === null ? null : withoutSecrets(after.doc, secrets),
    changedFields: changed.map((name) => `/${name}`),
    passwordChanged: changed.some((name) => secrets.has(name)),
    message: '',
    status: 'SUCCESS',
  };
}

/**
 * Top-level properties that differ, in name order. Compared on the stored documents: an unchanged encrypted
 * value keeps its ciphertext (sealed-fields.ts), so a changed ciphertext is a changed secret.
 */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !jsonEqual(before[name], after[name])).sort();
}

function withoutSecrets(doc: JsonObject, secrets: ReadonlySet<string>): JsonObject {
  const kept: JsonObject = {};
  for (const [name, value] of Object.entries(doc)) if (!secrets.has(name)) kept[name] = value;
  return kept;
}
