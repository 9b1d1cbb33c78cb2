import { randomUUID } from 'node:crypto';
import { AuditEventFilter, RECON_TRIGGER } from '../core/audit/audit-event-filter';
import { linkQualifiersFor } from '../core/sync/link-qualifier';
import { unchangedStampFingerprint } from '../core/sync/unchanged-stamp';
import { simpleSituationSummary } from '../core/sync/recon-summary';
import type { ScriptRunner } from '../scripting/script-runner';
import { forEachConcurrently } from './async-pool';
import { LinkAccess } from './link-access';
import {
  entryEvent,
  eventIdMaker,
  isAgreed,
  isReported,
  startEvent,
  summaryEvent,
  type ReconAuditContext,
} from './recon-audit';
import { settleDeferredDeletes } from './recon-deletes';
import { ReconJournal } from './recon-journal';
import type { ReconRequest, ReconResult, ReconRunnerDeps } from './recon-request';
import { ReconProgress } from './recon-progress';
import { ReconTargets, type ReconTargetSet } from './recon-targets';
import { linkedTargetIdSet, targetIdSet } from './recon-source';
import { runOnReconScript, runResultScript } from './recon-result.script';
import { syncUnclaimedTarget } from './sync.operation';
import { UnchangedEntries } from './unchanged-entries';
import type { ObjectSet } from './object-sets';
import { reconcileSource } from './recon-chunk';
import { SourceOpening } from './recon-source-opening';
import { errorMessage, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';

class GuardStop extends Error {}

/** Digits of the counter in a run's audit event ids (`<uuid>-0000000001`): ten billion events a run. */
const EVENT_COUNTER_DIGITS = 10;

/**
 * One reconciliation run, OpenIDM's algorithm (§4.1): source query, empty-source guard, target id set, link
 * prefetch, source phase (at most `taskThreads` entries in flight), target phase over the targets no source
 * claimed, deferred DELETE/UNLINK under the delete threshold, `result` script, summary. Entry failures are
 * counted and never stop the run; query failures end it FAILED; cancel is honoured between entries.
 */
export class ReconRunner {
  readonly progress: ReconProgress;
  private cancelled = false;
  private readonly audit: ReconAuditContext;

  constructor(
    private readonly deps: ReconRunnerDeps,
    private readonly request: ReconRequest,
  ) {
    this.progress = new ReconProgress(request.reconId, request.mapping.name, request.parameters, deps.clock);
    const eventPrefix = randomUUID();
    this.audit = {
      reconId: request.reconId,
      reconAction: request.reconAction,
      mapping: request.mapping.name,
      sourceSet: request.mapping.source,
      targetSet: request.mapping.target,
      userId: request.userId,
      // Zero-padded: text order is the run's order, so its entries (their events) page in that order.
      eventId: eventIdMaker(eventPrefix, EVENT_COUNTER_DIGITS),
    };
  }

  cancel(): void {
    if (this.progress.state !== 'ACTIVE') return;
    this.cancelled = true;
    this.progress.stage = 'ACTIVE_CANCELING';
  }

  /** Registers the run (so it is listed and cancellable at once); call before `run()`. */
  async register(): Promise<void> {
    this.progress.startedAt = this.deps.clock();
    await this.deps.runs.create({
      id: this.request.reconId,
      mapping: this.request.mapping.name,
      nodeId: this.deps.nodeId,
      summary: this.progress.summary(),
      cancelRequested: false,
      heartbeatAt: new Date(this.deps.clock()).toISOString(),
    });
  }

  /** Runs to the end; never throws (a failure is the run's state). */
  async run(): Promise<ReconResult> {
    const journal = new ReconJournal(this.deps.audit, this.deps.runs, this.audit);
    journal.add(startEvent(this.audit, this.timestamp()));
    const saver = setInterval(() => void this.heartbeat(), 1_000);
    saver.unref();
    let failure: ReconResult['failure'];
    const scripts = this.deps.scripts(this.request.analyze);
    try {
      await this.reconcile(journal, scripts);
    } catch (error) {
      failure = { message: errorMessage(error), guard: error instanceof GuardStop };
      if (!failure.guard) this.deps.warn(`Reconciliation ${this.request.reconId} failed: ${failure.message}`);
    }
    clearInterval(saver);
    // OpenIDM runs the result script on the failure and cancel paths too (its docs say success only).
    try {
      this.progress.stage = 'ACTIVE_PROCESSING_RESULTS';
      const t0 = performance.now();
      await runResultScript(scripts, this.request.mapping, this.progress);
      if (this.request.mapping.hooks.result !== undefined)
        this.progress.record('resultScript', performance.now() - t0);
    } catch (error) {
      failure ??= { message: errorMessage(error), guard: false };
    }
    this.progress.endedAt = this.deps.clock();
    this.progress.stage =
      failure !== undefined
        ? 'COMPLETED_FAILED'
        : this.cancelled
          ? 'COMPLETED_CANCELED'
          : 'COMPLETED_SUCCESS';
    if (failure !== undefined) this.progress.extra['error'] = { message: failure.message };
    let summary = this.progress.summary();
    journal.add(
      summaryEvent(
        this.audit,
        this.timestamp(),
        summary,
        simpleSituationSummary(this.progress.counters),
        failure !== undefined,
      ),
    );
    try {
      await journal.close();
    } catch (error) {
      failure ??= { message: `Writing the audit trail failed: ${errorMessage(error)}`, guard: false };
      this.progress.stage = 'COMPLETED_FAILED';
      this.progress.extra['error'] = { message: failure.message };
      summary = this.progress.summary();
    }
    await this.deps.runs.saveSummary(this.request.reconId, summary).catch((error: unknown) => {
      this.deps.warn(
        `Saving the summary of reconciliation ${this.request.reconId} failed: ${errorMessage(error)}`,
      );
    });
    return failure === undefined ? { summary } : { summary, failure };
  }

  private lastTime = NaN;
  private lastTimestamp = '';

  /** The clock as an audit timestamp, made once per millisecond: a run writes many events within each. */
  private timestamp(): string {
    const time = this.deps.clock();
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimestamp = new Date(time).toISOString();
    }
    return this.lastTimestamp;
  }

  private async timedStep<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.progress.record(name, performance.now() - t0);
    }
  }

  private saving = false;

  /** About once a second: persist progress (other nodes and SSE read it) and pick up a cancel from another node. */
  private async heartbeat(): Promise<void> {
    if (this.saving || this.progress.state !== 'ACTIVE') return;
    this.saving = true;
    try {
      await this.deps.runs.saveSummary(this.request.reconId, this.progress.summary());
      const stored = await this.deps.runs.get(this.request.reconId);
      if (stored?.cancelRequested) this.cancel();
    } catch (error) {
      this.deps.warn(`Saving recon progress failed: ${errorMessage(error)}`);
    } finally {
      this.saving = false;
    }
  }

  private async reconcile(journal: ReconJournal, scripts: ScriptRunner): Promise<void> {
    const { mapping } = this.request;
    const progress = this.progress;
    const record = (name: string, ms: number): void => progress.record(name, ms);
    const links = new LinkAccess(this.deps.links, mapping.link, mapping.enableLinking);
    const sourceSet = this.deps.sets.get(mapping.source);
    const targetSet = this.deps.sets.get(mapping.target);
    progress.stage = 'ACTIVE_QUERY_ENTRIES';
    await runOnReconScript(scripts, mapping, this.request.reconId);
    const targetQuerySet = this.deps.sets.get(mapping.targetQuery.resourceName);
    const sourceQuerySet = this.deps.sets.get(mapping.sourceQuery.resourceName);
    const fingerprint = this.unchangedFingerprint(targetQuerySet);
    // The target ids and the links are independent queries: both at once, or one joined read where it can be.
    const separately = (): Promise<[ReconTargetSet, number | null]> =>
      Promise.all([
        this.request.runTargetPhase
          ? this.timedStep('targetQuery', () =>
              targetIdSet(
                mapping,
                targetQuerySet,
                (id) => links.normaliseTarget(id),
                fingerprint !== null,
                links.targetIdsAsStored,
              ),
            )
          : new ReconTargets(),
        mapping.prefetchLinks ? this.timedStep('linkQuery', () => links.prefetch()) : null,
      ]);
    const prefetch = async (): Promise<[ReconTargetSet, number | null]> => {
      const started = performance.now();
      const joined = fingerprint === null ? null : await linkedTargetIdSet(mapping, targetQuerySet, links);
      if (joined === null) return separately();
      record('linkQuery', performance.now() - started);
      return [joined.targets, joined.links];
    };
    // With unchanged stamps the links come first: when they carry stamps, the source query asks only for each
    // entry's id and revision (opened beside the prefetch, recon-source-opening.ts), and the entries that changed
    // are read whole afterwards (unchanged-entries.ts).
    const opening = new SourceOpening(mapping, sourceQuerySet, this.request.sourceIds);
    const early = fingerprint === null ? null : await opening.besidePrefetch(prefetch());
    const unchanged =
      fingerprint === null || early === null
        ? undefined
        : new UnchangedEntries(fingerprint, mapping, {
            links,
            targets: early[0],
            source: sourceQuerySet,
            writes: !this.request.analyze,
          });
    const started = performance.now();
    const source = await opening.open(unchanged, links.anyStamped);
    record('sourceQuery', performance.now() - started);
    if (source.empty && !mapping.allowEmptySourceSet) {
      progress.counters.source.total = 0;
      throw new GuardStop(
        'The source set is empty: reconciliation stopped to protect the target from mass deletion ' +
          '(set allowEmptySourceSet to true to reconcile an empty source).',
      );
    }
    const [targets, linkTotal] = early ?? (await prefetch());
    if (this.request.runTargetPhase) progress.counters.target.total = targets.size;
    if (linkTotal !== null) progress.counters.links.total = linkTotal;
    const deferred: PlannedOperation[] = [];
    const run: SyncRun = {
      mapping,
      source: sourceSet,
      target: targetSet,
      scripts,
      links,
      reconId: this.request.reconId,
      analyze: this.request.analyze,
      ...(this.request.runTargetPhase ? { targetIds: targets } : {}),
      targetSetKnownEmpty: this.request.runTargetPhase && targets.size === 0,
      deferDestructive: true,
      record,
      transaction: this.deps.transaction,
      ...(unchanged === undefined ? {} : { unchanged }),
    };
    const handle = (outcome: SyncOutcome): void => {
      for (const id of outcome.claimed) targets.claim(links.normaliseTarget(id));
      if (outcome.deferred !== undefined) {
        deferred.push(outcome.deferred);
        return;
      }
      this.finish(journal, outcome);
    };

    progress.stage = this.cancelled ? 'ACTIVE_CANCELING' : 'ACTIVE_RECONCILING_SOURCE';
    const sourceStart = performance.now();
    let seen = 0;
    const chunk = {
      shouldStop: () => this.cancelled,
      finish: handle,
      seen: () => {
        seen += 1;
        progress.counters.source.total = Math.max(seen, this.request.sourceIds?.length ?? 0);
      },
    };
    await reconcileSource(run, source.all, { ...chunk, backlog: () => journal.backlog() });
    progress.counters.source.total = seen;
    record('sourcePhase', performance.now() - sourceStart);

    if (this.request.runTargetPhase && !this.cancelled) {
      progress.stage = 'ACTIVE_RECONCILING_TARGET';
      const targetStart = performance.now();
      const qualifiers = await linkQualifiersFor(
        mapping,
        { object: null, oldValue: null, returnAll: true },
        scripts.evaluate,
      );
      await forEachConcurrently(
        targets.unclaimed(),
        mapping.taskThreads,
        async (targetId) => {
          for (const outcome of await syncUnclaimedTarget(run, targetId, qualifiers)) handle(outcome);
        },
        () => this.cancelled,
      );
      record('targetPhase', performance.now() - targetStart);
    }
    if (!this.cancelled) await this.settleDeferred(run, deferred, journal, targets.size);
  }

  /**
   * The mapping's fingerprint when this run takes the unchanged-stamp shortcut (core/sync/unchanged-stamp.ts):
   * a full recon (the target id set gives target versions, the link prefetch the stamps) of a mapping that
   * qualifies, from a source whose revisions identify states into a target set with versions.
   */
  private unchangedFingerprint(targetQuerySet: ObjectSet): string | null {
    const { mapping } = this.request;
    if (this.request.sourceIds !== undefined || !this.request.runTargetPhase || !mapping.prefetchLinks)
      return null;
    if (targetQuerySet.versions === undefined || mapping.targetQuery.resourceName !== mapping.target)
      return null;
    const sourceSet = this.deps.sets.get(mapping.sourceQuery.resourceName);
    if (sourceSet.revisionsIdentifyStates !== true) return null;
    return unchangedStampFingerprint(mapping, [sourceSet.readShape(), targetQuerySet.readShape()]);
  }

  /** Delete safety: the deferred DELETE/UNLINK run only when within the threshold or confirmed. */
  private async settleDeferred(
    run: SyncRun,
    deferred: readonly PlannedOperation[],
    journal: ReconJournal,
    targetTotal: number,
  ): Promise<void> {
    const stop = await settleDeferredDeletes(run, deferred, {
      confirmed: this.request.confirmDeletes,
      targetTotal: this.request.runTargetPhase ? targetTotal : null,
      progress: this.progress,
      finish: (outcome) => this.finish(journal, outcome),
    });
    if (stop !== null) throw new GuardStop(stop);
  }

  private finish(journal: ReconJournal, outcome: SyncOutcome): void {
    this.progress.count(outcome);
    if (outcome.status === 'FAILURE') {
      this.deps.warn(
        `Reconciliation ${this.request.reconId}: ${outcome.sourceId ?? outcome.targetId}: ${outcome.message}`,
      );
    }
    if (!isReported(outcome)) return;
    // A dry run's entries are its result, so audit.json does not thin them out. Most filters tell from the
    // action alone (a recon that finds everything CONFIRMED then builds no entry at all).
    const filter = this.request.analyze ? AuditEventFilter.NONE : this.deps.auditFilter;
    if (!filter.mayKeep('recon', outcome.action, RECON_TRIGGER)) return;
    // An entry in agreement builds no event of its own unless a filter must look at it.
    if (!filter.filters('recon') && isAgreed(outcome)) {
      journal.addAgreed(this.timestamp(), outcome);
      return;
    }
    const entry = entryEvent(this.audit, this.timestamp(), outcome);
    if (filter.keeps('recon', entry, RECON_TRIGGER)) journal.addEntry(entry);
  }
}
