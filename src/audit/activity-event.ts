import type { ManagedTypeSchema } from '../core/managed/managed-schema';
import { oncePer } from '../core/once-per';
import type { JsonObject, JsonValue } from '../managed/managed-object';
import type { AuditEvent } from '../sync/ports/audit.store';
import type { ActivityContext } from './activity-context';
import type { LiveSyncActivity, ManagedActivity } from './activity.recorder';
import type { ActivityWatch } from './activity-watch';

/** What an activity event needs besides the write: who, which request, when, and its `_id`. */
export interface ActivityStamp extends ActivityContext {
  readonly eventId: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
}

/**
 * The `audit/activity` event of one managed write (§9). `before` and `after` leave out every private and every
 * encrypted property (passwords, sealed values): the audit is read by people who must not see them. What
 * `changedFields` and `passwordChanged` say is the project's choice (`watch`, from audit.json).
 */
export function activityEvent(
  schema: ManagedTypeSchema,
  activity: ManagedActivity,
  stamp: ActivityStamp,
  watch: ActivityWatch,
): AuditEvent {
  const { before, after } = activity;
  const object = after ?? before;
  const secrets = secretsOf(schema);
  const { changedFields, passwordChanged } = watch.changes(before?.doc ?? {}, after?.doc ?? {}, secrets);
  return Object.assign(stamped(stamp), {
    operation: activity.operation,
    objectId: `managed/${activity.type}/${object?.id ?? ''}`,
    revision: object === null ? null : String(object.rev),
    before: before === null ? null : withoutSecrets(before.doc, secrets),
    after: after === null ? null : withoutSecrets(after.doc, secrets),
    changedFields,
    passwordChanged,
    message: '',
    status: 'SUCCESS',
  });
}

/**
 * The `audit/activity` event of one live-sync change, as OpenIDM's provisioner writes it once the change is handled:
 * an ACTION on its `sync` endpoint with the message `sync-create`, `sync-update` or `sync-delete`, the system object
 * as `before` and `after` (null for a delete, whose object is gone).
 */
export function liveSyncActivityEvent(activity: LiveSyncActivity, stamp: ActivityStamp): AuditEvent {
  return Object.assign(stamped(stamp), {
    operation: 'ACTION',
    objectId: 'sync',
    revision: null,
    before: activity.object,
    after: activity.object,
    changedFields: [],
    passwordChanged: false,
    message: `sync-${activity.type.toLowerCase()}`,
    status: 'SUCCESS',
  });
}

/**
 * What every activity event carries of its stamp: its id, when, who (also as `runAs`) and which transaction.
 * The events add their members with `Object.assign`, not as `{ ...stamped(stamp), … }`: on Node 20's V8 each
 * member written after a spread in a literal takes a slow path (about 15 µs for this event, once per write).
 */
function stamped(stamp: ActivityStamp): AuditEvent {
  return {
    _id: stamp.eventId,
    timestamp: stamp.timestamp,
    eventName: 'activity',
    transactionId: stamp.transactionId,
    userId: stamp.userId,
    runAs: stamp.userId,
  };
}

/** A type's private and encrypted properties, gathered once per schema rather than once per event. */
const secretsOf = oncePer(
  (schema: ManagedTypeSchema): ReadonlySet<string> =>
    new Set([...schema.privateProperties, ...schema.encryptedProperties.keys()]),
);

function withoutSecrets(doc: JsonObject, secrets: ReadonlySet<string>): JsonObject {
  const kept: JsonObject = {};
  for (const name in doc)
    if (Object.hasOwn(doc, name) && !secrets.has(name)) kept[name] = doc[name] as JsonValue;
  return kept;
}
