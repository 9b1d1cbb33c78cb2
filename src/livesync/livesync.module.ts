import { Global, Module, type DynamicModule } from '@nestjs/common';
import { configFiles, provisionerConfigFile } from '../config/config-file.registry';
import type { LoadedProject } from '../config/loaded-project';
import { AdvisorySourceLock } from '../persistence/advisory-source.lock';
import { SynchronisationRepository } from '../persistence/synchronisation.repository';
import { LiveSyncAction } from './live-sync.action';
import { LiveSyncPoller } from './live-sync.poller';
import { LiveSyncMetrics } from './live-sync.metrics';
import { LiveSyncService } from './live-sync.service';
import { SourceLock } from './source-lock';
import { SyncFailureActions, SyncFailurePolicies } from './sync-failure.actions';
import { parseSyncFailurePolicy, type SyncFailurePolicy } from './sync-failure.policy';
import { ScriptProjectDir, SandboxSyncFailureScript } from './sync-failure.sandbox-script';
import { SyncFailureScript } from './sync-failure.script';
import { SynchronisationController } from './synchronisation.controller';
import { SynchronisationStore } from './synchronisation.store';
import { LiveSyncLauncher } from '../scheduler/ports/task-invoker';
import { ScheduledLiveSyncLauncher } from './scheduled-live-sync.launcher';

/**
 * Live sync (§5.2, §5.3): the service behind `_action=liveSync`, the continuous poller, the token store and
 * dead letters under `repo/synchronisation`. Global so that the system controllers can dispatch to
 * LiveSyncAction. Needs the ConnectorRegistry, the sync engine's ObjectSets (failure scripts) and, to handle
 * changes, a LiveSyncChangeHandler bound by the sync engine.
 */
@Global()
@Module({})
export class LiveSyncModule {
  static forProject(project: Pick<LoadedProject, 'files' | 'checkedFiles' | 'projectDir'>): DynamicModule {
    return {
      module: LiveSyncModule,
      controllers: [SynchronisationController],
      providers: [
        { provide: SyncFailurePolicies, useValue: new SyncFailurePolicies(failurePolicies(project)) },
        { provide: ScriptProjectDir, useValue: new ScriptProjectDir(project.projectDir) },
        { provide: SynchronisationStore, useClass: SynchronisationRepository },
        { provide: SourceLock, useClass: AdvisorySourceLock },
        { provide: SyncFailureScript, useClass: SandboxSyncFailureScript },
        SyncFailureActions,
        LiveSyncService,
        LiveSyncMetrics,
        LiveSyncAction,
        LiveSyncPoller,
        { provide: LiveSyncLauncher, useClass: ScheduledLiveSyncLauncher },
      ],
      exports: [LiveSyncService, LiveSyncAction, SynchronisationStore, LiveSyncLauncher],
    };
  }
}

/** `syncFailureHandler` per connector name, from every provisioner file of the project. */
function failurePolicies(
  project: Pick<LoadedProject, 'files' | 'checkedFiles'>,
): Map<string, SyncFailurePolicy> {
  const policies = new Map<string, SyncFailurePolicy>();
  for (const [key, file] of configFiles(project, provisionerConfigFile)) {
    policies.set(file.name, parseSyncFailurePolicy(key, file.syncFailureHandler));
  }
  return policies;
}
