import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditEventFilter } from '../core/audit/audit-event-filter';
import { ManagedTypes } from '../managed/managed-types';
import type { SqlExecutor } from '../persistence/sql-database';
import { AuditStore, type AuditEvent } from '../sync/ports/audit.store';
import { activityContext, type ActivityContext } from './activity-context';
import { activityEvent, liveSyncActivityEvent, type ActivityStamp } from './activity-event';
import { ActivityWatch } from './activity-watch';
import { ActivityRecorder, type LiveSyncActivity, type ManagedActivity } from './activity.recorder';
import { copyWith } from '../core/copy-with';

/** Writes without a request (queue worker, live-sync poller, schedules) are done by the system itself. */
const SYSTEM_USER = 'system';

/**
 * `audit/activity` in the audit store. Event ids are `<uuid>-<n>` as in OpenIDM, with a fresh uuid per call
 * rather than the transaction id: a client may send the same transaction id to several nodes.
 */
@Injectable()
export class AuditActivityRecorder extends ActivityRecorder {
  constructor(
    private readonly audit: AuditStore,
    private readonly types: ManagedTypes,
    private readonly watch: ActivityWatch,
    private readonly filter: AuditEventFilter,
  ) {
    super();
  }

  record(activity: ManagedActivity, tx?: SqlExecutor): Promise<void> {
    return this.recordMany([activity], tx);
  }

  async recordMany(activities: readonly ManagedActivity[], tx?: SqlExecutor): Promise<void> {
    // Events audit.json leaves out by their operation (a recon's creates, say) are not even built.
    const trigger = activityContext()?.trigger;
    const kept = activities.filter((activity) =>
      this.filter.mayKeep('activity', activity.operation, trigger),
    );
    if (kept.length === 0) return;
    const stamp = stamps();
    const events: AuditEvent[] = kept.map((activity) =>
      activityEvent(this.types.get(activity.type), activity, stamp(), this.watch),
    );
    await this.audit.append('activity', events, tx);
  }

  async recordLiveSync(activity: LiveSyncActivity): Promise<void> {
    await this.audit.append('activity', [liveSyncActivityEvent(activity, stamps()())]);
  }
}

/** Stamps for the events of one call: who (the caller's context, or the system), when, and ids `<uuid>-<n>`. */
function stamps(): () => ActivityStamp {
  const context: ActivityContext = activityContext() ?? { userId: SYSTEM_USER, transactionId: randomUUID() };
  const timestamp = new Date().toISOString();
  const batch = randomUUID();
  let index = 0;
  return () => copyWith(context, { eventId: `${batch}-${index++}`, timestamp });
}
