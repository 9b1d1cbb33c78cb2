import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditEventFilter } from '../core/audit/audit-event-filter';
import { normaliseSourceId, sourceColumn } from '../core/sync/link';
import { LinkSnapshot, type LinkSide } from '../core/sync/link-snapshot';
import { quietEcho, type EngineWrite, type QuietEcho } from '../core/sync/pending-link-echo';
import type { Mapping } from '../core/sync/sync-config.types';
import type { EvaluateScript, JsonObject } from '../core/sync/script';
import type { MaybePromise } from '../core/maybe-promise';
import type { SqlExecutor } from '../persistence/sql-database';
import type { ScriptRunner } from '../scripting/script-runner';
import { ChangeDelivery } from '../sync-queue/change-delivery.service';
import {
  ChangeProcessor,
  type CurrentState,
  type SeenObject,
  type WriteCompanion,
} from '../sync-queue/change-processor.port';
import type { ClosingWrites, EnqueuedRef } from '../sync-queue/change-queue.store';
import { collectingDeferred } from '../sync-queue/delivery-context';
import type { WrittenObject } from '../sync-queue/managed-change.recorder';
import type { ChangeOutcome, QueuedChange } from '../sync-queue/queued-change';
import { LiveSyncChangeHandler, type LiveSyncChange } from '../livesync/live-sync-change.handler';
import { AuditStore, type AuditEvent } from './ports/audit.store';
import { LinkStore } from './ports/link.store';
import { syncAuditEvent } from './sync-audit-event';
import type { SyncOutcome } from './sync-run';
import { SyncMappings } from './sync-mappings';
import { SyncScripts } from './sync-scripts';
import { SyncService } from './sync.service';
import { copyWith } from '../core/copy-with';

/** What the caller of SourceChangeSync.apply knows already (ChangeProcessor.process). */
interface KnownState {
  readonly current?: CurrentState;
  readonly closing?: ClosingWrites;
  readonly seen?: SeenObject;
}

/** How long implicit and live sync use one script runner (see SourceChangeSync.scriptRunner). */
const RUNNER_RENEWAL_MS = 5_000;

/**
 * Implicit sync and live sync (§5.1, §5.2): a change of an object runs every mapping whose source is the object's
 * set, with `enableSync` not false, in sync.json order; the first mapping that fails skips the rest, as OpenIDM
 * does. The source is read afresh (level-triggered), so a retry applies the current state, never an old one, unless
 * the caller hands it over as just written or just read (live sync's entry). Every operation writes one `audit/sync`
 * event.
 */
@Injectable()
export class SourceChangeSync {
  private readonly logger = new Logger('ImplicitSync');
  private counter = 0;
  private runner: { readonly scripts: ScriptRunner; readonly since: number } | undefined;

  constructor(
    private readonly mappings: SyncMappings,
    private readonly sync: SyncService,
    private readonly audit: AuditStore,
    private readonly delivery: ChangeDelivery,
    private readonly scripts: SyncScripts,
  ) {}

  /**
   * Throws the first failure; resolves when every mapping has handled the change. The managed objects the
   * mappings wrote (live sync's creates, updates and deletes) are synced on before it returns, once their
   * links are in place (pending LINK/UNLINK, §5.4); a failure there stays queued for the worker. With
   * `known.current` the mappings take the source as given instead of reading it, and the syncs of what they
   * wrote compare against it too (SeenObject): a change made to the source since is live sync's to bring.
   */
  async apply(
    source: string,
    sourceId: string,
    oldValue: JsonObject | null,
    userId: string,
    known: KnownState = {},
  ): Promise<void> {
    const written: EnqueuedRef[] = [];
    const object = known.current?.object;
    const seen = object ? { resource: source, id: sourceId, object } : undefined;
    try {
      await collectingDeferred(
        written,
        () => this.applyMappings(source, sourceId, oldValue, userId, known),
        seen,
      );
    } finally {
      for (const ref of written) await this.delivery.deliverNow(ref, { seen });
    }
  }

  private async applyMappings(
    source: string,
    sourceId: string,
    oldValue: JsonObject | null,
    userId: string,
    { current, closing, seen }: KnownState,
  ): Promise<void> {
    const transactionId = randomUUID();
    for (const [index, mapping] of this.mappings.syncedFrom(source).entries()) {
      // Links read with the write are the first mapping's (ImplicitSyncProcessor.companionOf); a later mapping
      // reads its own, after whatever the earlier ones and their scripts wrote.
      const state = current !== undefined && index > 0 ? { object: current.object } : current;
      const outcomes = await this.sync.syncSourceChange(
        {
          mapping: mapping.name,
          sourceId,
          oldValue,
          ...(state ? { current: state } : {}),
          ...(seen ? { seen } : {}),
        },
        this.scriptRunner(),
      );
      await this.record(mapping, outcomes, transactionId, userId, closing);
      const failed = outcomes.find((outcome) => outcome.status === 'FAILURE');
      if (failed) throw new Error(`${mapping.name}: ${failed.message ?? 'sync failed'}`);
    }
  }

  /**
   * One script runner for the changes of a few seconds rather than one per change: a runner's sandbox and
   * compiled scripts cost milliseconds to make, more than the scripts of a change take to run. Renewed every
   * RUNNER_RENEWAL_MS so that an edited script file is picked up (a recon run makes its own, likewise).
   */
  private scriptRunner(): ScriptRunner {
    const now = Date.now();
    if (this.runner === undefined || now - this.runner.since > RUNNER_RENEWAL_MS) {
      this.runner = { scripts: this.scripts.create(false), since: now };
    }
    return this.runner.scripts;
  }

  private async record(
    mapping: Mapping,
    outcomes: readonly SyncOutcome[],
    transactionId: string,
    userId: string,
    closing: ClosingWrites | undefined,
  ): Promise<void> {
    const events: AuditEvent[] = outcomes.map((outcome) =>
      syncAuditEvent(mapping, outcome, {
        eventId: `${transactionId}-${this.counter++}`,
        transactionId,
        userId,
      }),
    );
    try {
      await this.audit.appendUnflushed('sync', events, closing);
    } catch (error) {
      // The sync happened; losing its audit line must not make the queue deliver it again.
      this.logger.warn(`audit/sync write failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Delivers queued managed-object changes (the durable implicit-sync queue) through the mappings. The engine is
 * looked up on first use: it writes managed objects itself, whose writes are queued and delivered here, so taking
 * it in the constructor would make a dependency cycle (engine → ManagedService → queue → this → engine).
 */
@Injectable()
export class ImplicitSyncProcessor extends ChangeProcessor {
  private readonly logger = new Logger('ImplicitSync');
  private changes: SourceChangeSync | undefined;
  private scripts: SyncScripts | undefined;
  private counter = 0;

  constructor(
    private readonly modules: ModuleRef,
    private readonly mappings: SyncMappings,
    private readonly audit: AuditStore,
    private readonly auditFilter: AuditEventFilter,
    private readonly links: LinkStore,
  ) {
    super();
  }

  override wants(resource: string): boolean {
    return this.mappings.syncedFrom(resource).length > 0;
  }

  /**
   * The first mapping's lookup of the object's link, made by the write's own statement. Only with static
   * qualifiers: a qualifier script decides from the object which links to look up. The statement sees the
   * links as it began; a link written while it ran is missed as one written just after a separate read
   * would be (the engine writes links in statements of their own, never with an update of the object), and
   * the change's delivery then fails on the target and is retried with a fresh read.
   */
  override companionOf(resource: string, objectId: string): WriteCompanion | undefined {
    const first = this.mappings.syncedFrom(resource)[0];
    if (first === undefined || !first.enableLinking || first.linkQualifiers.kind !== 'static')
      return undefined;
    const side: LinkSide = {
      linkType: first.link.type,
      qualifiers: first.linkQualifiers.names,
      column: sourceColumn(first.link),
      id: normaliseSourceId(first.link, objectId),
    };
    const { read, records } = this.links.sidesRead([side]);
    return { read, take: (rows) => new LinkSnapshot([side], records(rows)) };
  }

  async process(
    change: QueuedChange,
    current?: CurrentState,
    closing?: ClosingWrites,
    seen?: SeenObject,
  ): Promise<ChangeOutcome> {
    const changes: SourceChangeSync = this.changes ?? this.modules.get(SourceChangeSync, { strict: false });
    this.changes = changes;
    try {
      // A delete's last state, or an update's state before it (OpenIDM's oldSource): what the change changed.
      const oldValue = change.operation === 'delete' ? change.lastState : (change.oldState ?? null);
      await changes.apply(change.resource, change.objectId, oldValue, 'implicit-sync', {
        current,
        closing,
        seen,
      });
      return { status: 'SUCCESS' };
    } catch (error) {
      return { status: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Recon's batched creates and updates: an object whose every mapping would leave it as it is (quietEcho: the
   * reverse of the mapping that wrote it, CONFIRMED, nothing to write) is settled here, with the audit/sync
   * events its implicit sync would have written, in the batch's transaction. Anything else — another mapping, a
   * difference, a script that fails — is left to the queue, whose delivery runs the engine for real.
   */
  override async settleWritten(
    tx: SqlExecutor,
    resource: string,
    written: readonly WrittenObject[],
  ): Promise<readonly boolean[]> {
    const readers = this.mappings.syncedFrom(resource);
    const scripts: SyncScripts = this.scripts ?? this.modules.get(SyncScripts, { strict: false });
    this.scripts = scripts;
    // Read-only, as a dry run's: a proof must not write, and a script that tries fails the proof instead.
    const { evaluate } = scripts.create(true);
    const transactionId = randomUUID();
    const events: AuditEvent[] = [];
    const settled: boolean[] = [];
    // No sync event is built when audit.json records no sync topic.
    const audited = this.auditFilter.mayKeep('sync', null);
    for (const { id, object, origin } of written) {
      const writer =
        origin === undefined ? undefined : this.mappings.all.find((m) => m.name === origin.mapping);
      const echoes: QuietEcho[] = [];
      if (origin !== undefined && writer !== undefined) {
        const write: EngineWrite = copyWith(origin, { object, objectId: id, writer });
        for (const mapping of readers) {
          const answer = settledEcho(mapping, write, evaluate);
          const echo = answer instanceof Promise ? await answer : answer;
          if (echo === null) break;
          echoes.push(echo);
        }
      }
      const quiet = echoes.length === readers.length;
      settled.push(quiet);
      if (!quiet || !audited) continue;
      echoes.forEach((echo, index) => {
        const mapping = readers[index] as Mapping;
        const operation = copyWith(echo, {
          linkQualifier: origin?.linkQualifier ?? 'default',
          sourceId: id,
          status: 'SUCCESS' as const,
        });
        events.push(
          syncAuditEvent(mapping, operation, {
            eventId: `${transactionId}-${this.counter++}`,
            transactionId,
            userId: 'implicit-sync',
          }),
        );
      });
    }
    await this.audit.append('sync', events, tx);
    const queued = settled.filter((quiet) => !quiet).length;
    if (queued > 0)
      this.logger.debug(`${queued} of ${written.length} written objects queued for implicit sync`);
    return settled;
  }
}

/** Live sync's notifyCreate/Update/Delete: the changed system object goes through the mappings whose source it is. */
@Injectable()
export class LiveSyncMappingHandler extends LiveSyncChangeHandler {
  constructor(private readonly changes: SourceChangeSync) {
    super();
  }

  notifyCreate(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync', readFromChangeLog(change));
  }

  notifyUpdate(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync', readFromChangeLog(change));
  }

  // liveSync passes no old value (§5.2): with a link the target is SOURCE_MISSING, without one ALL_GONE.
  notifyDelete(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync');
  }
}

/**
 * The object as the change log's read found it, taken as the source as OpenIDM's liveSync takes it (newValue,
 * §5.2), and compared against by the syncs of what the mappings write from it (SeenObject).
 */
function readFromChangeLog(change: LiveSyncChange): KnownState {
  return change.object === null ? {} : { current: { object: change.object } };
}

/**
 * quietEcho's answer, awaited only when it is a promise (most entries of a recon answer at once); a script that
 * fails leaves the object to the queue, as one that would write.
 */
function settledEcho(
  mapping: Mapping,
  write: EngineWrite,
  evaluate: EvaluateScript,
): MaybePromise<QuietEcho | null> {
  try {
    const echo = quietEcho(mapping, write, evaluate);
    return echo instanceof Promise ? echo.catch(() => null) : echo;
  } catch {
    return null;
  }
}
