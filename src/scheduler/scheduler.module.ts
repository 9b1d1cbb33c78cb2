import { Module, type DynamicModule } from '@nestjs/common';
import { configFiles } from '../config/config-file.registry';
import type { LoadedProject } from '../config/loaded-project';
import { scheduleConfigFile, type ScheduleConfig } from '../core/schedule/schedule-config.schema';
import { ClusterNodeRepository } from '../persistence/cluster-node.repository';
import { ReconRunSweepRepository } from '../persistence/recon-run-sweep.repository';
import { ScheduleFireRepository } from '../persistence/schedule-fire.repository';
import { ClusterController } from './cluster.controller';
import { ClusterMembership } from './cluster-membership.service';
import { JobRegistry } from './job-registry';
import { ClusterStore } from './ports/cluster.store';
import { ScheduleStore } from './ports/schedule.store';
import { StaleReconStore } from './ports/stale-recon.store';
import { ScheduledTaskInvoker } from './ports/task-invoker';
import { ScheduleConfigController } from './schedule-config.controller';
import { FileSchedules } from './schedule-files';
import { Clock, NodeCronTicker, SchedulerTicker, SystemClock } from './scheduler.clock';
import { SchedulerController } from './scheduler.controller';
import { SchedulerJobs } from './scheduler-jobs.service';
import { SchedulerService } from './scheduler.service';
import { SchedulerSettings } from './scheduler.settings';
import { ServiceTaskInvoker } from './service-task.invoker';
import { StaleReconSweep } from './stale-recon.sweep';

/**
 * Schedules (`config/schedule-*.json` and `/openidm/scheduler/job`), cluster membership and
 * `/openidm/cluster`. Recon and live-sync fires go through the ReconLauncher and LiveSyncLauncher ports,
 * which the sync engine provides (globally) when it has them.
 */
@Module({})
export class SchedulerModule {
  static forProject(
    project: Pick<LoadedProject, 'boot' | 'projectDir' | 'configDir' | 'repo' | 'files' | 'checkedFiles'>,
  ): DynamicModule {
    const loaded = new Map<string, ScheduleConfig>();
    for (const [key, config] of configFiles(project, scheduleConfigFile)) {
      loaded.set(key.replace(/^schedule\//, ''), config);
    }
    const settings = SchedulerSettings.forProject(project);
    return {
      module: SchedulerModule,
      controllers: [SchedulerController, ScheduleConfigController, ClusterController],
      providers: [
        { provide: SchedulerSettings, useValue: settings },
        { provide: FileSchedules, useValue: new FileSchedules(settings, loaded) },
        { provide: Clock, useClass: SystemClock },
        { provide: SchedulerTicker, useClass: NodeCronTicker },
        { provide: ScheduleStore, useClass: ScheduleFireRepository },
        { provide: ClusterStore, useClass: ClusterNodeRepository },
        { provide: ScheduledTaskInvoker, useClass: ServiceTaskInvoker },
        { provide: StaleReconStore, useClass: ReconRunSweepRepository },
        StaleReconSweep,
        ClusterMembership,
        JobRegistry,
        SchedulerService,
        SchedulerJobs,
      ],
    };
  }
}
