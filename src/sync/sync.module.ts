import { Global, Module, type DynamicModule } from '@nestjs/common';
import { configFile } from '../config/config-file.registry';
import type { LoadedProject } from '../config/loaded-project';
import { syncConfigFile } from '../core/sync/sync-config.compiler';
import { ManagedBulkService } from '../managed/managed-bulk.service';
import { ReconEventStream } from '../recon/recon-events.stream';
import { ReconController } from '../recon/recon.controller';
import { SyncController } from '../recon/sync.controller';
import { ObjectSets } from './object-sets';
import { ReconMetrics } from './recon.metrics';
import { ReconService } from './recon.service';
import { reconRunnerContextProvider } from './recon-runner.context';
import { SyncMappings, SyncSettings } from './sync-mappings';
import { SyncScripts } from './sync-scripts';
import { SyncService } from './sync.service';
import { ReconLauncher } from '../scheduler/ports/task-invoker';
import { nodeIdOf } from '../scheduler/scheduler.settings';
import { ScheduledReconLauncher } from './scheduled-recon.launcher';
import { ChangeProcessor } from '../sync-queue/change-processor.port';
import { LiveSyncChangeHandler } from '../livesync/live-sync-change.handler';
import { ImplicitSyncProcessor, LiveSyncMappingHandler, SourceChangeSync } from './implicit-sync';

/**
 * The sync engine: reconciliation (`/openidm/recon`), `/openidm/sync` actions, and the SyncService that
 * implicit and live sync call. Global so those triggers inject it without importing this module. Needs the
 * ports of AuditModule (links, runs, audit), ManagedService and the ConnectorRegistry.
 */
@Global()
@Module({})
export class SyncModule {
  static forProject(
    project: Pick<LoadedProject, 'files' | 'checkedFiles' | 'projectDir' | 'boot'>,
  ): DynamicModule {
    const mappings = configFile(project, syncConfigFile)?.mappings ?? [];
    return {
      module: SyncModule,
      controllers: [ReconController, SyncController],
      providers: [
        { provide: SyncMappings, useValue: new SyncMappings(mappings) },
        {
          provide: SyncSettings,
          useValue: new SyncSettings(project.projectDir, nodeIdOf(project.boot)),
        },
        ManagedBulkService,
        ObjectSets,
        SyncScripts,
        reconRunnerContextProvider,
        ReconService,
        ReconMetrics,
        SyncService,
        ReconEventStream,
        { provide: ReconLauncher, useClass: ScheduledReconLauncher },
        SourceChangeSync,
        { provide: ChangeProcessor, useClass: ImplicitSyncProcessor },
        { provide: LiveSyncChangeHandler, useClass: LiveSyncMappingHandler },
      ],
      exports: [
        SyncMappings,
        ObjectSets,
        ReconService,
        SyncService,
        ReconLauncher,
        ChangeProcessor,
        LiveSyncChangeHandler,
      ],
    };
  }
}
