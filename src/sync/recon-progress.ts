import { addDuration, emptyDurationStats, type DurationStats } from '../core/sync/duration-stats';
import { stateOfStage, type ReconStage } from '../core/sync/recon-stage';
import {
  countOperation,
  newReconCounters,
  reconSummaryJson,
  type ReconCounters,
} from '../core/sync/recon-summary';
import type { ReconSummary } from './ports/recon-run.store';
import type { SyncOutcome } from './sync-run';

/** The live state of one run: stage, counters, durations; renders the §4.3 summary on demand. */
export class ReconProgress {
  stage: ReconStage = 'ACTIVE_INITIALIZED';
  readonly counters: ReconCounters = newReconCounters();
  readonly durations = new Map<string, DurationStats>();
  startedAt: number | null = null;
  endedAt: number | null = null;
  /** Concord additions to the summary (deleteThreshold, error), present only when they apply. */
  readonly extra: Record<string, unknown> = {};

  constructor(
    readonly reconId: string,
    readonly mapping: string,
    readonly parameters: Readonly<Record<string, unknown>>,
    private readonly clock: () => number,
  ) {}

  get state(): string {
    return stateOfStage(this.stage);
  }

  record(name: string, ms: number): void {
    let stats = this.durations.get(name);
    if (stats === undefined) {
      stats = emptyDurationStats();
      this.durations.set(name, stats);
    }
    addDuration(stats, ms);
  }

  count(outcome: SyncOutcome): void {
    countOperation(this.counters, {
      situation: outcome.situation,
      action: outcome.action,
      status: outcome.status,
      hadSourceId: outcome.sourceId !== null,
      targetId: outcome.targetId,
      linkExisted: outcome.linkExisted,
      linkCreated: outcome.linkCreated,
    });
  }

  summary(): ReconSummary {
    return reconSummaryJson({
      reconId: this.reconId,
      mapping: this.mapping,
      stage: this.stage,
      counters: this.counters,
      durations: this.durations,
      parameters: this.parameters,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      now: this.clock(),
      extra: this.extra,
    });
  }
}
