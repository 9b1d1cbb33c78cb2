import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Mapping } from '../core/sync/sync-config.types';
import type { JsonObject } from '../core/sync/script';
import { ChangeProcessor } from '../sync-queue/change-processor.port';
import type { ChangeOutcome, QueuedChange } from '../sync-queue/queued-change';
import { LiveSyncChangeHandler, type LiveSyncChange } from '../livesync/live-sync-change.handler';
import { AuditStore, type AuditEvent } from './ports/audit.store';
import { qualifiedId } from './object-sets';
import type { SyncOutcome } from './sync-run';
import { SyncMappings } from './sync-mappings';
import { SyncService } from './sync.service';

/**
 * Implicit sync and live sync (§5.1, §5.2): a change of an object runs every mapping whose source is the object's
 * set, with `enableSync` not false, in sync.json order; the first mapping that fails skips the rest, as OpenIDM
 * does. Each mapping re-reads the source (level-triggered), so a retry applies the current state, never an old one.
 * Every operation writes one `audit/sync` event.
 */
@Injectable()
export class SourceChangeSync {
  private readonly logger = new Logger('ImplicitSync');
  private counter = 0;

  constructor(
    private readonly mappings: SyncMappings,
    private readonly sync: SyncService,
    private readonly audit: AuditStore,
  ) {}

  /** Throws the first failure; resolves when every mapping has handled the change. */
  async apply(source: string, sourceId: string, oldValue: JsonObject | null, userId: string): Promise<void> {
    const transactionId = randomUUID();
    for (const mapping of this.mappingsFrom(source)) {
      const outcomes = await this.sync.syncSourceChange({ mapping: mapping.name, sourceId, oldValue });
      await this.record(mapping, outcomes, transactionId, userId);
      const failed = outcomes.find((outcome) => outcome.status === 'FAILURE');
      if (failed) throw new Error(`${mapping.name}: ${failed.message ?? 'sync failed'}`);
    }
  }

  private mappingsFrom(source: string): Mapping[] {
    return this.mappings.all.filter((mapping) => mapping.source === source && mapping.enableSync);
  }

  private async record(
    mapping: Mapping,
    outcomes: readonly SyncOutcome[],
    transactionId: string,
    userId: string,
  ): Promise<void> {
    const events: AuditEvent[] = outcomes.map((outcome) => ({
      _id: `${transactionId}-${this.counter++}`,
      timestamp: new Date().toISOString(),
      eventName: 'sync',
      transactionId,
      userId,
      mapping: mapping.name,
      linkQualifier: outcome.linkQualifier,
      situation: outcome.situation,
      action: outcome.action,
      sourceObjectId: qualifiedId(mapping.source, outcome.sourceId),
      targetObjectId: qualifiedId(mapping.target, outcome.targetId),
      status: outcome.status,
      message: outcome.message,
    }));
    try {
      await this.audit.append('sync', events);
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
  private changes: SourceChangeSync | undefined;

  constructor(
    private readonly modules: ModuleRef,
    private readonly mappings: SyncMappings,
  ) {
    super();
  }

  override wants(resource: string): boolean {
    return this.mappings.all.some((mapping) => mapping.source === resource && mapping.enableSync);
  }

  async process(change: QueuedChange): Promise<ChangeOutcome> {
    const changes: SourceChangeSync = this.changes ?? this.modules.get(SourceChangeSync, { strict: false });
    this.changes = changes;
    try {
      await changes.apply(change.resource, change.objectId, change.lastState, 'implicit-sync');
      return { status: 'SUCCESS' };
    } catch (error) {
      return { status: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Live sync's notifyCreate/Update/Delete: the changed system object goes through the mappings whose source it is. */
@Injectable()
export class LiveSyncMappingHandler extends LiveSyncChangeHandler {
  constructor(private readonly changes: SourceChangeSync) {
    super();
  }

  notifyCreate(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync');
  }

  notifyUpdate(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync');
  }

  // liveSync passes no old value (§5.2): with a link the target is SOURCE_MISSING, without one ALL_GONE.
  notifyDelete(change: LiveSyncChange): Promise<void> {
    return this.changes.apply(change.source, change.id, null, 'live-sync');
  }
}
