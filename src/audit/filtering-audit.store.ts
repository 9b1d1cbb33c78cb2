import type { QueryRequest } from '../core/crest/query-request';
import type { AuditEventFilter } from '../core/audit/audit-event-filter';
import type { StoreQueryPage } from '../managed/managed-object.store';
import type { SqlExecutor } from '../persistence/sql-database';
import { AuditStore, type AuditEvent, type AuditTopic } from '../sync/ports/audit.store';
import { activityContext } from './activity-context';

/**
 * The audit store with audit.json's filters in front: events a filter leaves out are never written. The
 * trigger is the one of the work the events are written in (a reconciliation runs under `recon`).
 */
export class FilteringAuditStore extends AuditStore {
  constructor(
    private readonly store: AuditStore,
    private readonly filter: AuditEventFilter,
  ) {
    super();
  }

  append(topic: AuditTopic, events: readonly AuditEvent[], tx?: SqlExecutor): Promise<void> {
    const kept = this.kept(topic, events);
    return kept.length === 0 ? Promise.resolve() : this.store.append(topic, kept, tx);
  }

  appendUnflushed(topic: AuditTopic, events: readonly AuditEvent[], alongside?: SqlExecutor): Promise<void> {
    const kept = this.kept(topic, events);
    return kept.length === 0 ? Promise.resolve() : this.store.appendUnflushed(topic, kept, alongside);
  }

  read(topic: AuditTopic, id: string): Promise<AuditEvent | null> {
    return this.store.read(topic, id);
  }

  query(topic: AuditTopic, request: QueryRequest): Promise<StoreQueryPage> {
    return this.store.query(topic, request);
  }

  private kept(topic: AuditTopic, events: readonly AuditEvent[]): readonly AuditEvent[] {
    if (!this.filter.filters(topic)) return events;
    const trigger = activityContext()?.trigger;
    return events.filter((event) => this.filter.keeps(topic, event, trigger));
  }
}
