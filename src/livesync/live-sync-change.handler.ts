import type { SystemObject } from '../connectors/system-connector.port';

/** One change read from a connected system's change log, as live sync hands it to the engine. */
export interface LiveSyncChange {
  /** `system/ldap/account`. */
  readonly source: string;
  /** The object's `_id` in that system. */
  readonly id: string;
  /** The id before a rename, when ids are DNs (`_previous-id` in OpenIDM). */
  readonly previousId?: string;
  /** The object as it is now; null for a delete. */
  readonly object: SystemObject | null;
  /** The change-log token of this change. */
  readonly token: string;
}

/**
 * Port: what live sync calls for each change (§5.2) — the sync engine, which runs every mapping whose source
 * is `change.source`: notifyCreate(newValue = object), notifyUpdate(oldValue = null, newValue = object),
 * notifyDelete(oldValue = null). A throw is a failed change: the token does not advance past it and the
 * provisioner's `syncFailureHandler` decides what happens next (§5.3).
 */
export abstract class LiveSyncChangeHandler {
  abstract notifyCreate(change: LiveSyncChange): Promise<void>;
  abstract notifyUpdate(change: LiveSyncChange): Promise<void>;
  abstract notifyDelete(change: LiveSyncChange): Promise<void>;
}
