import { isAudited } from '../core/sync/action';
import type { AuditEvent } from './ports/audit.store';
import type { ReconEntryEvent } from './ports/recon-run.store';
import { qualifiedId } from './object-sets';
import type { SyncOutcome } from './sync-run';

/** What every recon audit event of one run shares (§9). */
export interface ReconAuditContext {
  readonly reconId: string;
  readonly reconAction: 'recon' | 'reconById';
  readonly mapping: string;
  readonly sourceSet: string;
  readonly targetSet: string;
  readonly userId: string;
  /** Makes the `_id` of the n-th event: `<uuid>-<n>`, OpenIDM's audit id form. */
  readonly eventId: () => string;
}

function base(ctx: ReconAuditContext, now: Date): AuditEvent {
  return {
    _id: ctx.eventId(),
    timestamp: now.toISOString(),
    eventName: 'recon',
    transactionId: ctx.reconId,
    userId: ctx.userId,
    trackingIds: [],
    reconId: ctx.reconId,
    mapping: ctx.mapping,
  };
}

export function startEvent(ctx: ReconAuditContext, now: Date): AuditEvent {
  return {
    ...base(ctx, now),
    entryType: 'start',
    reconAction: ctx.reconAction,
    status: 'SUCCESS',
    message: `Reconciliation initiated by ${ctx.userId}`,
    messageDetail: null,
  };
}

export function summaryEvent(
  ctx: ReconAuditContext,
  now: Date,
  summary: Record<string, unknown>,
  message: string,
  failed: boolean,
): AuditEvent {
  return {
    ...base(ctx, now),
    entryType: 'summary',
    reconAction: ctx.reconAction,
    status: failed ? 'FAILURE' : 'SUCCESS',
    message,
    messageDetail: summary,
  };
}

/** Whether an outcome leaves a trace: NOREPORT successes do not (failures always do). */
export function isReported(outcome: SyncOutcome): boolean {
  return outcome.status === 'FAILURE' || outcome.action === null || isAudited(outcome.action);
}

const NO_TARGETS: readonly string[] = Object.freeze([]);

/**
 * The audit event of a reported entry, which is also the entry (ReconEntryEvent). Written out rather than
 * `{ ...base(), … }`: V8 adds properties to a spread copy slowly (about 20 µs for this event, measured),
 * which at one event per entry was a tenth of a 100k-entry recon.
 */
export function entryEvent(ctx: ReconAuditContext, now: Date, outcome: SyncOutcome): ReconEntryEvent {
  return {
    _id: ctx.eventId(),
    timestamp: now.toISOString(),
    eventName: 'recon',
    transactionId: ctx.reconId,
    userId: ctx.userId,
    trackingIds: [],
    reconId: ctx.reconId,
    mapping: ctx.mapping,
    entryType: 'entry',
    linkQualifier: outcome.linkQualifier,
    situation: outcome.situation,
    action: outcome.action,
    sourceObjectId: qualifiedId(ctx.sourceSet, outcome.sourceId),
    targetObjectId: qualifiedId(ctx.targetSet, outcome.targetId),
    reconciling: outcome.phase,
    ambiguousTargetObjectIds: outcome.ambiguousTargetIds.join(', '),
    status: outcome.status,
    message: outcome.message,
    messageDetail: null,
    exception: outcome.exception ?? null,
    entryDiff: outcome.diff,
    entryAmbiguousTargets:
      outcome.ambiguousTargetIds.length === 0
        ? NO_TARGETS
        : outcome.ambiguousTargetIds.map((id) => `${ctx.targetSet}/${id}`),
  };
}
