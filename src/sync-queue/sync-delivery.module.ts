import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { LoadedProject } from '../config/loaded-project';
import { LiveSyncModule } from '../livesync/livesync.module';
import { SyncQueueRepository } from '../persistence/sync-queue.repository';
import { nodeIdOf } from '../scheduler/scheduler.settings';
import { ChangeDelivery } from './change-delivery.service';
import { ChangeQueueStore } from './change-queue.store';
import { ManagedChangeRecorder } from './managed-change.recorder';
import { QueuedManagedChangeRecorder } from './queued-managed-change.recorder';
import { SyncQueueController } from './sync-queue.controller';
import { SyncQueueMetrics } from './sync-queue.metrics';
import { SyncQueueService } from './sync-queue.service';
import { SyncDeliveryConfig } from './sync-queue.settings';
import { SyncQueueWorker } from './sync-queue.worker';

/**
 * Durable delivery of sync in both directions: the implicit-sync queue (ManagedService records each change in
 * the write's transaction through ManagedChangeRecorder; ChangeDelivery and SyncQueueWorker deliver it to the
 * ChangeProcessor the sync engine binds), its REST API `sync/queue`, its metrics (SyncQueueMetrics), and live sync
 * (LiveSyncModule).
 * Settings come from the environment (sync-queue.settings.ts).
 */
@Global()
@Module({})
export class SyncDeliveryModule {
  static forProject(
    project: Pick<LoadedProject, 'files' | 'checkedFiles' | 'projectDir' | 'boot'>,
    env: NodeJS.ProcessEnv = process.env,
  ): DynamicModule {
    return {
      module: SyncDeliveryModule,
      imports: [LiveSyncModule.forProject(project)],
      controllers: [SyncQueueController],
      providers: [
        { provide: SyncDeliveryConfig, useValue: SyncDeliveryConfig.fromEnv(env, nodeIdOf(project.boot)) },
        { provide: ChangeQueueStore, useClass: SyncQueueRepository },
        { provide: ManagedChangeRecorder, useClass: QueuedManagedChangeRecorder },
        ChangeDelivery,
        SyncQueueMetrics,
        SyncQueueService,
        SyncQueueWorker,
      ],
      exports: [SyncDeliveryConfig, ChangeQueueStore, ChangeDelivery, ManagedChangeRecorder],
    };
  }
}
