import type { Action } from './action';
import { durationJson, type DurationStats } from './duration-stats';
import { RECON_STAGES, stateOfStage, type ReconStage } from './recon-stage';
import {
  emptySituationSummary,
  SUMMARY_SITUATIONS,
  type Situation,
  type SummarySituation,
} from './situation';

/** What the summary counts of one operation (one source or target entry, one link qualifier). */
export interface CountedOperation {
  /** Null when the operation failed before its situation was known. */
  readonly situation: Situation | null;
  readonly action: Action | null;
  readonly status: 'SUCCESS' | 'FAILURE';
  /** The operation concerned a source id (target-phase operations with a linked source too). */
  readonly hadSourceId: boolean;
  /** The target id after the action (for CREATE: the created object's), or null. */
  readonly targetId: string | null;
  /** A link existed before the action. */
  readonly linkExisted: boolean;
  /** The action created a link. */
  readonly linkCreated: boolean;
}

/** The running figures of a recon; mutated in place by `countOperation` (one per entry, no allocation). */
export interface ReconCounters {
  readonly source: { processed: number; total: number | null };
  readonly target: { processed: number; total: number | null; created: number };
  readonly links: { processed: number; total: number | null; created: number };
  readonly situations: Record<SummarySituation, number>;
  readonly status: { SUCCESS: number; FAILURE: number };
}

export function newReconCounters(): ReconCounters {
  return {
    source: { processed: 0, total: null },
    target: { processed: 0, total: null, created: 0 },
    links: { processed: 0, total: null, created: 0 },
    situations: emptySituationSummary(),
    status: { SUCCESS: 0, FAILURE: 0 },
  };
}

const SUMMARY_SET: ReadonlySet<string> = new Set(SUMMARY_SITUATIONS);

/**
 * OpenIDM's `ReconciliationStatistic` rules (§4.3): source processed when the op had a source id; target
 * created for a CREATE with a target id, else target processed when it had one; links processed when a
 * link existed before, created when the op made one. LINK_ONLY and ALL_GONE are not in the summary.
 */
export function countOperation(counters: ReconCounters, op: CountedOperation): void {
  if (op.hadSourceId) counters.source.processed += 1;
  if (op.action === 'CREATE' && op.targetId !== null && op.status === 'SUCCESS') counters.target.created += 1;
  else if (op.targetId !== null) counters.target.processed += 1;
  if (op.linkExisted) counters.links.processed += 1;
  if (op.linkCreated) counters.links.created += 1;
  if (op.situation !== null && SUMMARY_SET.has(op.situation))
    counters.situations[op.situation as SummarySituation] += 1;
  counters.status[op.status] += 1;
}

/** Totals are strings in OpenIDM's summary; "?" when not known (no target phase, links not prefetched). */
const total = (value: number | null): string => (value === null ? '?' : String(value));

export function progressJson(counters: ReconCounters): Record<string, unknown> {
  return {
    source: { existing: { processed: counters.source.processed, total: total(counters.source.total) } },
    target: {
      existing: { processed: counters.target.processed, total: total(counters.target.total) },
      created: counters.target.created,
    },
    links: {
      existing: { processed: counters.links.processed, total: total(counters.links.total) },
      created: counters.links.created,
    },
  };
}

export interface ReconSummaryInput {
  readonly reconId: string;
  readonly mapping: string;
  readonly stage: ReconStage;
  readonly counters: ReconCounters;
  readonly durations: ReadonlyMap<string, DurationStats>;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Epoch ms; null when the run has not started. */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** The clock now, for the running duration of an active run. */
  readonly now: number;
  /** Concord additions, present only when they apply. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The run summary of §4.3, exactly: string totals, the 11-key situationSummary, stage and its description. */
export function reconSummaryJson(input: ReconSummaryInput): Record<string, unknown> & {
  _id: string;
  mapping: string;
  state: string;
  stage: string;
} {
  const durationSummary: Record<string, unknown> = {};
  for (const name of [...input.durations.keys()].sort()) {
    const stats = input.durations.get(name);
    if (stats !== undefined && stats.count > 0) durationSummary[name] = durationJson(stats);
  }
  const end = input.endedAt ?? input.now;
  return {
    _id: input.reconId,
    mapping: input.mapping,
    state: stateOfStage(input.stage),
    stage: input.stage,
    stageDescription: RECON_STAGES[input.stage],
    progress: progressJson(input.counters),
    situationSummary: { ...input.counters.situations },
    statusSummary: { ...input.counters.status },
    durationSummary,
    parameters: input.parameters,
    started: input.startedAt === null ? '' : new Date(input.startedAt).toISOString(),
    ended: input.endedAt === null ? '' : new Date(input.endedAt).toISOString(),
    duration: input.startedAt === null ? -1 : Math.max(0, end - input.startedAt),
    ...input.extra,
  };
}

/** The audit summary entry's `message`: `"CONFIRMED: 0 FOUND: 0 ... "` (OpenIDM's simple summary string). */
export function simpleSituationSummary(counters: ReconCounters): string {
  return SUMMARY_SITUATIONS.map((s) => `${s}: ${counters.situations[s]} `).join('');
}
