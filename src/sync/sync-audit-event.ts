import type { Action } from '../core/sync/action';
import type { Situation } from '../core/sync/situation';
import type { Mapping } from '../core/sync/sync-config.types';
import { qualifiedId } from './object-sets';
import type { AuditEvent } from './ports/audit.store';

/** What one sync operation of a mapping did, as the audit/sync topic records it. */
export interface SyncOperationRecord {
  readonly linkQualifier: string;
  readonly situation: Situation | null;
  readonly action: Action | null;
  readonly sourceId: string | null;
  readonly targetId: string | null;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly message: string | null;
}

/** The event's id and who, in which transaction, caused the operation. */
export interface SyncEventOrigin {
  readonly eventId: string;
  readonly transactionId: string;
  readonly userId: string;
}

/** One `audit/sync` event (§9) for an operation of `mapping`, with qualified object ids. */
export function syncAuditEvent(
  mapping: Pick<Mapping, 'name' | 'source' | 'target'>,
  operation: SyncOperationRecord,
  origin: SyncEventOrigin,
): AuditEvent {
  return {
    _id: origin.eventId,
    timestamp: new Date().toISOString(),
    eventName: 'sync',
    transactionId: origin.transactionId,
    userId: origin.userId,
    mapping: mapping.name,
    linkQualifier: operation.linkQualifier,
    situation: operation.situation,
    action: operation.action,
    sourceObjectId: qualifiedId(mapping.source, operation.sourceId),
    targetObjectId: qualifiedId(mapping.target, operation.targetId),
    status: operation.status,
    message: operation.message,
  };
}
