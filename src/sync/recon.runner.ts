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
import {
  idPages,
  linkedTargetIdSet,
  peek,
  sourcePages,
  targetIdSet,
  type Peeked,
  type SourceItem,
  type SourceRevisions,
} from './recon-source';
import { runOnReconScript, runResultScript } from './recon-result.script';
import { syncUnclaimedTarget } from './sync.operation';
import { UnchangedEntries } from './unchanged-entries';
import type { ObjectSet } from './object-sets';
import { reconcileSource } from './recon-chunk';
import { readAheadWhile } from './read-ahead';
import { errorMessage, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';

class GuardStop extends Error {}

/** Digits of the counter in a run's audit event ids (`<uuid>-0000000001`): ten billion events a run. */
const EVENT_COUNTER_DIGITS = 10;
/**
 * Source pages read ahead while the link prefetch runs (a light page of 1,000 ids and revisions is ~0.2 MB). Pages
 * waiting survive the young generation's collections: at 48, V8 grew its semi-space in (b) at 300k entries of
 * bench:recon and the peak RSS went 247 → 303 MiB; 12 keep it where it was (docs/benchmarks.md).
 */
const LIGHT_PAGES_AHEAD = 12;

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
    // entry's id and revision, and the entries that changed are read whole afterwards (unchanged-entries.ts).
    const prefetching = fingerprint === null ? null : prefetch();
    const lightAhead = prefetching === null ? null : this.lightSourceAhead(sourceQuerySet, prefetching);
    const early = await this.closingOnFailure(prefetching, lightAhead);
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
    const source = await this.openSource(sourceQuerySet, unchanged, links.anyStamped, lightAhead);
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
   * The source query, its first page read. With unchanged stamps on the links and a source that reads lists of
   * ids, a light first pass (ids and revisions only), unless its first page shows most entries unsettled (the
   * stamps went stale with an edit of the mapping): then whole entries, as without stamps.
   */
  private async openSource(
    set: ObjectSet,
    unchanged: UnchangedEntries | undefined,
    anyStamped: boolean,
    lightAhead: Promise<Peeked<readonly SourceItem[]>> | null,
  ): Promise<Peeked<readonly SourceItem[]>> {
    const { mapping, sourceIds } = this.request;
    const query = (revisions: SourceRevisions): Promise<Peeked<readonly SourceItem[]>> =>
      peek(sourceIds ? idPages(sourceIds) : sourcePages(mapping, set, revisions));
    if (unchanged === undefined) return query('plain');
    if (!anyStamped || set.readByIds === undefined) {
      if (lightAhead !== null) await (await lightAhead).close();
      return query('with revisions');
    }
    const light = await (lightAhead ?? query('revisions only'));
    if (light.first === undefined || unchanged.mostlySettled(light.first)) return light;
    await light.close();
    return query('with revisions');
  }

  /**
   * The light first pass (ids and revisions only, see openSource), opened while the link prefetch runs and read
   * ahead until it ends (read-ahead.ts), where the run could take it: a full recon of a source that reads lists
   * of ids. openSource closes it when the links turn out to carry no stamps (a first recon, or links only implicit
   * sync made): the pages read ahead are then thrown away, at most LIGHT_PAGES_AHEAD of them, once. Null where it
   * would not be taken.
   */
  private lightSourceAhead(
    set: ObjectSet,
    prefetching: Promise<unknown>,
  ): Promise<Peeked<readonly SourceItem[]>> | null {
    if (this.request.sourceIds !== undefined || set.readByIds === undefined) return null;
    const pages = sourcePages(this.request.mapping, set, 'revisions only');
    const opened = peek(readAheadWhile(pages, prefetching, LIGHT_PAGES_AHEAD));
    // Met when openSource takes it; a failure to open meanwhile must not go unhandled.
    opened.catch(() => undefined);
    return opened;
  }

  /** The prefetch's result; when it fails, the light pass opened beside it is closed before the error goes on. */
  private async closingOnFailure<T>(
    prefetching: Promise<T> | null,
    lightAhead: Promise<Peeked<readonly SourceItem[]>> | null,
  ): Promise<T | null> {
    try {
      return await prefetching;
    } catch (error) {
      await lightAhead?.then((light) => light.close()).catch(() => undefined);
      throw error;
    }
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
