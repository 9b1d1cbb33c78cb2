import { isAudited } from '../core/sync/action';
import type { AuditEvent } from './ports/audit.store';
import type { AgreedEntries, ReconEntryEvent } from './ports/recon-run.store';
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

/** Three-digit endings of event ids, made once and shared by every id that ends so. */
const ENDINGS: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * Makes a run's event ids: `<prefix>-<n>`, n counted from `after` + 1 and zero-padded to `digits` (text order is
 * the run's order, so its entries page in that order). A recon makes one per entry: everything but the last
 * three digits is made once a thousand ids, and each id is that joined to a shared ending, instead of a string
 * per step of the padding.
 */
export function eventIdMaker(prefix: string, digits: number, after = 0): () => string {
  let counter = after;
  if (digits < 3) return () => `${prefix}-${String(++counter).padStart(digits, '0')}`;
  let head = '';
  return () => {
    counter += 1;
    const ending = counter % 1000;
    if (ending === 0 || head === '') {
      head = `${prefix}-${String(Math.floor(counter / 1000)).padStart(digits - 3, '0')}`;
    }
    return head + (ENDINGS[ending] as string);
  };
}

function base(ctx: ReconAuditContext, timestamp: string): AuditEvent {
  return {
    _id: ctx.eventId(),
    timestamp,
    eventName: 'recon',
    transactionId: ctx.reconId,
    userId: ctx.userId,
    trackingIds: [],
    reconId: ctx.reconId,
    mapping: ctx.mapping,
  };
}

export function startEvent(ctx: ReconAuditContext, timestamp: string): AuditEvent {
  return {
    ...base(ctx, timestamp),
    entryType: 'start',
    reconAction: ctx.reconAction,
    status: 'SUCCESS',
    message: `Reconciliation initiated by ${ctx.userId}`,
    messageDetail: null,
  };
}

export function summaryEvent(
  ctx: ReconAuditContext,
  timestamp: string,
  summary: Record<string, unknown>,
  message: string,
  failed: boolean,
): AuditEvent {
  return {
    ...base(ctx, timestamp),
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
export function entryEvent(ctx: ReconAuditContext, timestamp: string, outcome: SyncOutcome): ReconEntryEvent {
  return {
    _id: ctx.eventId(),
    timestamp,
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

/**
 * Whether an outcome is an entry in agreement — CONFIRMED, UPDATE, nothing to write and nothing to say — which
 * the journal keeps as columns (AgreedEntries): every entry of a recon that finds nothing changed.
 */
export function isAgreed(outcome: SyncOutcome): boolean {
  return (
    outcome.situation === 'CONFIRMED' &&
    outcome.action === 'UPDATE' &&
    outcome.status === 'SUCCESS' &&
    outcome.phase === 'source' &&
    outcome.diff !== null &&
    outcome.diff.length === 0 &&
    outcome.ambiguousTargetIds.length === 0 &&
    outcome.message === null &&
    outcome.exception === undefined &&
    outcome.sourceId !== null &&
    outcome.targetId !== null
  );
}

/** Agreed entries of one run and link qualifier, collected as columns until the journal writes them. */
export class AgreedColumns {
  private first: ReconEntryEvent | null = null;
  private count = 0;
  private ids: string[];
  private timestamps: string[];
  private sourceIds: string[];
  private targetIds: string[];

  /** `batch`: how many the journal holds before a write; the lists are made that long, not grown step by step. */
  constructor(
    private readonly ctx: ReconAuditContext,
    private readonly batch = 0,
  ) {
    [this.ids, this.timestamps, this.sourceIds, this.targetIds] = this.lists();
  }

  get size(): number {
    return this.count;
  }

  /** Whether an agreed outcome joins the entries held: the same link qualifier (a member they share). */
  fits(outcome: SyncOutcome): boolean {
    return this.first === null || this.first['linkQualifier'] === outcome.linkQualifier;
  }

  /** An outcome that `isAgreed` and `fits`. */
  add(timestamp: string, outcome: SyncOutcome): void {
    const at = this.count++;
    if (this.first === null) {
      this.first = entryEvent(this.ctx, timestamp, outcome);
      this.ids[at] = this.first._id;
    } else {
      this.ids[at] = this.ctx.eventId();
    }
    this.timestamps[at] = timestamp;
    this.sourceIds[at] = outcome.sourceId as string;
    this.targetIds[at] = outcome.targetId as string;
  }

  /** The entries held, and none held after; null when there are none. */
  take(): AgreedEntries | null {
    const first = this.first;
    if (first === null) return null;
    // Lists made longer than what they hold are cut to it.
    for (const list of [this.ids, this.timestamps, this.sourceIds, this.targetIds]) list.length = this.count;
    const taken: AgreedEntries = {
      first,
      ids: this.ids,
      timestamps: this.timestamps,
      sourceIds: this.sourceIds,
      targetIds: this.targetIds,
      sourceSet: this.ctx.sourceSet,
      targetSet: this.ctx.targetSet,
    };
    this.first = null;
    this.count = 0;
    [this.ids, this.timestamps, this.sourceIds, this.targetIds] = this.lists();
    return taken;
  }

  private lists(): [string[], string[], string[], string[]] {
    const list = (): string[] => (this.batch > 0 ? new Array<string>(this.batch) : []);
    return [list(), list(), list(), list()];
  }
}
