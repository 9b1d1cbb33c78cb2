import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { activityContext, withActivityContext } from '../audit/activity-context';
import { RECON_TRIGGER } from '../core/audit/audit-event-filter';
import { toQueryResult } from '../core/crest/query-result';
import { parseQueryParams } from '../core/crest/query-params.parser';
import { badRequest, notFound } from '../core/errors/domain-error';
import { applyReconOverrides, showReconQuery } from '../core/sync/recon-overrides';
import type { Mapping } from '../core/sync/sync-config.types';
import { copyWith } from '../core/copy-with';
import { toQueryParams, type LooseQueryParams } from './object-sets';
import { ReconRunStore, type ReconSummary } from './ports/recon-run.store';
import type { ReconResult } from './recon-request';
import { ReconRunner } from './recon.runner';
import { ReconRunnerContext } from './recon-runner.context';
import { SyncMappings } from './sync-mappings';

export interface StartReconRequest {
  /** A mapping name of sync.json, or a compiled mapping (a schedule's inline mapping). */
  readonly mapping: string | Mapping;
  readonly reconAction: 'recon' | 'reconById';
  readonly ids?: readonly string[];
  readonly body?: unknown;
  readonly analyze?: boolean;
  readonly confirmDeletes?: boolean;
  readonly userId: string;
}

export interface StartedRecon {
  readonly _id: string;
  readonly state: string;
  /** Resolves when the run has ended. */
  readonly done: Promise<ReconResult>;
}

/** How many completed runs `GET /openidm/recon` lists (OpenIDM keeps about 100 in memory). */
const LISTED_RUNS = 100;
let counter = 0;

/**
 * Starts, lists, follows and cancels reconciliation runs. Runs of this node are held in memory while
 * active; every run's summary is in the ReconRunStore, so a run started on another node, or before a
 * restart, can still be read. At start-up, runs left ACTIVE by this node were interrupted: marked FAILED.
 */
@Injectable()
export class ReconService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Recon');
  private readonly active = new Map<string, ReconRunner>();
  private readonly prefix = randomUUID();

  constructor(
    private readonly mappings: SyncMappings,
    private readonly runs: ReconRunStore,
    private readonly runContext: ReconRunnerContext,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const run of await this.runs.activeRuns()) {
      if (run.nodeId !== this.runContext.deps.nodeId) continue;
      const ended = new Date().toISOString();
      await this.runs.saveSummary(run.id, {
        ...run.summary,
        state: 'FAILED',
        stage: 'COMPLETED_FAILED',
        stageDescription: 'reconciliation failed',
        ended,
        error: { message: 'Reconciliation was interrupted by a restart' },
      });
      this.logger.warn(
        `Reconciliation ${run.id} (${run.mapping}) was interrupted by a restart: marked FAILED`,
      );
    }
  }

  onApplicationShutdown(): void {
    for (const runner of this.active.values()) runner.cancel();
  }

  async start(request: StartReconRequest): Promise<StartedRecon> {
    const configured =
      typeof request.mapping === 'string' ? this.mappings.get(request.mapping) : request.mapping;
    const mapping = applyReconOverrides(configured, request.body);
    const byId = request.reconAction === 'reconById';
    if (byId && (request.ids === undefined || request.ids.length === 0)) {
      throw badRequest('reconById needs the id (or ids) parameter naming the source object');
    }
    const runTargetPhase = mapping.runTargetPhase ?? !byId;
    const reconId = `${this.prefix}-${++counter}`;
    const parameters: Record<string, unknown> = {
      ...(byId
        ? { sourceIds: [...(request.ids ?? [])] }
        : { sourceQuery: showReconQuery(mapping.sourceQuery) }),
      targetQuery: showReconQuery(mapping.targetQuery),
      ...(request.analyze ? { analyze: true } : {}),
      ...(request.confirmDeletes ? { confirmDeletes: true } : {}),
    };
    const runner = new ReconRunner(this.runContext.deps, {
      reconId,
      mapping,
      reconAction: request.reconAction,
      ...(byId ? { sourceIds: request.ids } : {}),
      runTargetPhase,
      analyze: request.analyze === true,
      confirmDeletes: request.confirmDeletes === true,
      userId: request.userId,
      parameters,
    });
    await runner.register();
    this.active.set(reconId, runner);
    // Everything the run writes is under the `recon` trigger (audit.json's filter.triggers), for its caller.
    const context = activityContext() ?? { userId: request.userId, transactionId: reconId };
    const done = withActivityContext(copyWith(context, { trigger: RECON_TRIGGER }), () =>
      runner.run(),
    ).finally(() => this.active.delete(reconId));
    return { _id: reconId, state: runner.progress.state, done };
  }

  async list(): Promise<{ reconciliations: ReconSummary[] }> {
    const runs = await this.runs.list(LISTED_RUNS);
    return { reconciliations: runs.map((run) => this.active.get(run.id)?.progress.summary() ?? run.summary) };
  }

  /** The live summary of a run of this node, else the stored one; 404 as OpenIDM words it. */
  async get(id: string): Promise<ReconSummary> {
    const live = this.active.get(id);
    if (live !== undefined) return live.progress.summary();
    const stored = await this.runs.get(id);
    if (stored === null) throw notFound(`Reconciliation with id ${id} not found.`);
    return stored.summary;
  }

  /** The stored summary only: what another node (or a restarted one) would see. */
  async stored(id: string): Promise<ReconSummary> {
    const stored = await this.runs.get(id);
    if (stored === null) throw notFound(`Reconciliation with id ${id} not found.`);
    return stored.summary;
  }

  async cancel(id: string): Promise<{ _id: string; action: 'cancel'; status: 'SUCCESS' }> {
    const live = this.active.get(id);
    if (live !== undefined) live.cancel();
    else {
      const stored = await this.runs.get(id);
      if (stored === null) throw notFound(`Reconciliation with id ${id} not found.`);
      // A run of another node stops at its next heartbeat; an ended run has nothing left to cancel.
      if (stored.summary.state === 'ACTIVE') await this.runs.requestCancel(id);
    }
    return { _id: id, action: 'cancel', status: 'SUCCESS' };
  }

  /** `GET /openidm/recon/<id>/entries?_queryFilter=…`: per-entry results of any run, paged. */
  async entries(id: string, params: LooseQueryParams) {
    await this.stored(id);
    const query = { _queryFilter: 'true', ...toQueryParams(params) };
    const request = parseQueryParams(query);
    const page = await this.runs.queryEntries(id, request);
    return toQueryResult(request, page, (entryId, _rev, doc) => ({ _id: entryId, ...doc }));
  }
}
