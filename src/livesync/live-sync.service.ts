import { Injectable, Logger, Optional } from '@nestjs/common';
import type { SyncDelta, SystemConnector } from '../connectors/system-connector.port';
import { ActivityRecorder } from '../audit/activity.recorder';
import { DomainError } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import { ConnectorRegistry } from '../system/connector-registry';
import { LiveSyncChangeHandler, type LiveSyncChange } from './live-sync-change.handler';
import { LiveSyncMetrics } from './live-sync.metrics';
import { parseLiveSyncSource, type LiveSyncSource } from './live-sync-source';
import { SourceLock } from './source-lock';
import { afterFailure } from './sync-failure.policy';
import { SyncFailureActions } from './sync-failure.actions';
import { SynchronisationStore } from './synchronisation.store';

/** `repo/synchronisation/pooledSyncStage/<ID>` as OpenIDM shows it (§5.2). */
export type SyncStage = JsonObject & { _id: string; _rev: string };

/** Deltas read from the connector per call; the run continues while it reports more. */
const MAX_CHANGES = 100;

/**
 * Live sync (§5.2): reads a source's changes since its stored token and hands each to the
 * LiveSyncChangeHandler, storing the token after every handled change so that a crash replays at most the
 * change in hand. The first run only records the latest token (the initial load is recon's job). A failing
 * change stops the run where it is — the next run starts from it again — until the provisioner's
 * `syncFailureHandler` gives up on it (§5.3); the count of failures per change is kept in memory, as in OpenIDM.
 */
@Injectable()
export class LiveSyncService {
  private readonly logger = new Logger('LiveSync');
  /** Per source: the token of the change that keeps failing, and how often it failed. */
  private readonly failures = new Map<string, { token: string; count: number }>();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly stages: SynchronisationStore,
    private readonly lock: SourceLock,
    private readonly failureActions: SyncFailureActions,
    @Optional() private handler?: LiveSyncChangeHandler,
    @Optional() private readonly activity?: ActivityRecorder,
    @Optional() private readonly metrics?: LiveSyncMetrics,
  ) {}

  /** Binds the handler when DI has none (embedding, tests); the app binds the sync engine's through DI. */
  use(handler: LiveSyncChangeHandler): void {
    this.handler = handler;
  }

  /** REST and schedules: waits for a run of the same source elsewhere to finish, then runs. */
  async liveSync(source: string | undefined): Promise<SyncStage> {
    const parsed = parseLiveSyncSource(source);
    const connector = this.registry.get(parsed.system);
    const result = await this.lock.runExclusive(parsed.path, true, () => this.counted(parsed, connector));
    if (!result.ran) throw new DomainError('CONFLICT', `A live sync of ${parsed.path} is already running`);
    return result.value;
  }

  /** The poller: runs unless this source is being synced already, here or on another node. */
  async pollOnce(source: string): Promise<SyncStage | null> {
    const parsed = parseLiveSyncSource(source);
    const connector = this.registry.get(parsed.system);
    const result = await this.lock.runExclusive(parsed.path, false, () => this.counted(parsed, connector));
    return result.ran ? result.value : null;
  }

  async readStage(source: string): Promise<SyncStage | null> {
    const { stageId } = parseLiveSyncSource(source);
    const stored = await this.stages.read('pooledSyncStage', stageId);
    return stored ? { _id: stored.id, _rev: String(stored.rev), ...stored.doc } : null;
  }

  /** A run, counted by how it ended (LiveSyncMetrics). */
  private async counted(source: LiveSyncSource, connector: SystemConnector): Promise<SyncStage> {
    try {
      const stage = await this.run(source, connector);
      this.metrics?.ran(source.path, stage.lastException === undefined ? 'ok' : 'stopped');
      return stage;
    } catch (error) {
      this.metrics?.ran(source.path, 'failed');
      throw error;
    }
  }

  private async run(source: LiveSyncSource, connector: SystemConnector): Promise<SyncStage> {
    const stage = await this.stages.read('pooledSyncStage', source.stageId);
    let token = tokenOf(stage?.doc);
    if (token === null) {
      const first = await connector.sync(source.objectType, null);
      return this.saveStage(source, first.token);
    }
    for (;;) {
      const batch = await connector.sync(source.objectType, token, { maxChanges: MAX_CHANGES });
      for (const delta of batch.deltas) {
        const failure = await this.handle(source, delta);
        if (failure !== null && !(await this.giveUp(source, connector, delta, failure))) {
          this.metrics?.handled(source.path, delta.type, 'failed');
          return this.saveStage(source, token, { throwable: failure, syncDelta: describeDelta(delta) });
        }
        this.metrics?.handled(source.path, delta.type, failure === null ? 'applied' : 'given_up');
        token = delta.token;
        await this.saveStage(source, token);
      }
      // Changes the connector filtered out (own writes, other types) still move the token on.
      if (batch.token !== null && batch.token !== token) {
        token = batch.token;
        await this.saveStage(source, token);
      }
      if (!batch.hasMore || batch.deltas.length === 0) break;
    }
    return this.saveStage(source, token);
  }

  /** Null when the change was handled; else why it failed. */
  private async handle(source: LiveSyncSource, delta: SyncDelta): Promise<string | null> {
    const handler = this.handler;
    if (!handler) {
      throw new DomainError('NOT_SUPPORTED', 'Live sync has no change handler: the sync engine is not bound');
    }
    const change: LiveSyncChange = {
      source: source.path,
      id: delta.id,
      ...(delta.previousId === undefined ? {} : { previousId: delta.previousId }),
      object: delta.object,
      token: delta.token,
    };
    try {
      if (delta.type === 'CREATE') await handler.notifyCreate(change);
      else if (delta.type === 'UPDATE') await handler.notifyUpdate(change);
      else await handler.notifyDelete(change);
      this.failures.delete(source.path);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    // As OpenIDM's provisioner: an activity event once the change is handled. The change stays handled if the
    // audit write fails (it is not retried for that); the failure is logged.
    await this.activity
      ?.recordLiveSync({ type: delta.type, object: delta.type === 'DELETE' ? null : delta.object })
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, `Activity audit of live sync ${delta.id} failed`),
      );
    return null;
  }

  /** Counts the failure; true when the policy gives up on the change (after its post-retry action). */
  private async giveUp(
    source: LiveSyncSource,
    connector: SystemConnector,
    delta: SyncDelta,
    failure: string,
  ): Promise<boolean> {
    const previous = this.failures.get(source.path);
    const count = previous?.token === delta.token ? previous.count + 1 : 1;
    this.failures.set(source.path, { token: delta.token, count });
    const policy = this.failureActions.policyOf(source.system);
    if (afterFailure(policy, count) === 'retry') {
      this.logger.warn(
        `Live sync of ${source.path} failed on ${delta.type} ${delta.id} (${count}): ${failure}`,
      );
      return false;
    }
    try {
      await this.failureActions.apply(policy.postRetryAction, source, delta, failure);
    } catch (error) {
      // A failure script that throws did not dispose of the change: it stays, and the next run tries it again.
      this.logger.warn({ err: error }, `The syncFailureHandler of ${source.path} failed on ${delta.id}`);
      return false;
    }
    this.failures.delete(source.path);
    return true;
  }

  private async saveStage(
    source: LiveSyncSource,
    token: string | null,
    lastException?: JsonObject,
  ): Promise<SyncStage> {
    const doc: JsonObject = {
      connectorData: { nativeType: 'string', syncToken: token },
      ...(lastException ? { lastException } : {}),
    };
    const saved = await this.stages.write('pooledSyncStage', source.stageId, doc);
    return { _id: saved.id, _rev: String(saved.rev), ...saved.doc };
  }
}

function tokenOf(doc: JsonObject | undefined): string | null {
  const data = doc?.connectorData;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const token = data.syncToken;
  return typeof token === 'string' || typeof token === 'number' ? String(token) : null;
}

function describeDelta(delta: SyncDelta): string {
  return JSON.stringify({ type: delta.type, uid: delta.id, token: delta.token });
}
