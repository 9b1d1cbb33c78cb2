import type { JsonObject, StoredObject } from '../managed/managed-object';
import type { SqlExecutor } from '../persistence/sql-database';

/** OpenIDM's activity operations for managed objects (§9). */
export type ActivityOperation = 'CREATE' | 'UPDATE' | 'PATCH' | 'DELETE';

/** One managed write as the audit sees it: the stored documents before and after (encrypted fields sealed). */
export interface ManagedActivity {
  readonly operation: ActivityOperation;
  /** The managed type: `user` for `managed/user`. */
  readonly type: string;
  /** Null for a create. */
  readonly before: StoredObject | null;
  /** Null for a delete. */
  readonly after: StoredObject | null;
}

/** One change live sync took from a system and handled: a `sync-create`, `sync-update` or `sync-delete` (§9). */
export interface LiveSyncActivity {
  readonly type: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The system object as live sync read it; null for a delete. */
  readonly object: JsonObject | null;
}

/**
 * Port (ManagedService, LiveSyncService → audit): writes the `audit/activity` event of a managed write. Called with
 * the write's executor when there is one (`tx`): in a transaction the event commits with the write; where `tx` defers
 * it (FollowingExecutor), it is sent after the write, with no commit of its own to wait for.
 */
export abstract class ActivityRecorder {
  abstract record(activity: ManagedActivity, tx?: SqlExecutor): Promise<void>;
  /** The events of a batch in one statement (recon's batched creates). */
  abstract recordMany(activities: readonly ManagedActivity[], tx?: SqlExecutor): Promise<void>;
  /** The event OpenIDM's provisioner writes for each live-sync change it handled (LiveSyncService). */
  abstract recordLiveSync(activity: LiveSyncActivity): Promise<void>;
}
