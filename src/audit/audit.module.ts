import { Global, Module, type DynamicModule } from '@nestjs/common';
import { configFile } from '../config/config-file.registry';
import { AuditEventFilter } from '../core/audit/audit-event-filter';
import type { LoadedProject } from '../config/loaded-project';
import { AuditRepository } from '../persistence/audit.repository';
import { LinkRepository } from '../persistence/link.repository';
import { ReconRunRepository } from '../persistence/recon-run.repository';
import { AuditStore } from '../sync/ports/audit.store';
import { LinkStore } from '../sync/ports/link.store';
import { ReconRunStore } from '../sync/ports/recon-run.store';
import { ActivityRecorder } from './activity.recorder';
import { ActivityWatch } from './activity-watch';
import { auditConfigFile } from './audit-config.file';
import { AuditActivityRecorder } from './audit-activity.recorder';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { FilteringAuditStore } from './filtering-audit.store';
import { RepoLinkController } from './repo-link.controller';
import { RepoLinkService } from './repo-link.service';

/**
 * The sync engine's persistence (links, recon runs, audit events) and its REST endpoints `audit/*` and
 * `repo/link`. Global, like SystemModule, so the engine, implicit sync and the scheduler inject the three
 * ports without importing this module. Needs SqlDatabase, IdGenerator and ManagedTypes from the app's project
 * module. Also the `audit/activity` side of managed writes: ManagedService records through ActivityRecorder,
 * and every request runs in an activity context (who, which transaction; ActivityContextMiddleware). What the
 * activity events say changed follows the project's audit.json (ActivityWatch), and so does which events are
 * written at all (AuditEventFilter, in front of the store and of a recon's entries).
 */
@Global()
@Module({})
export class AuditModule {
  static forProject(project: Pick<LoadedProject, 'files' | 'checkedFiles'>): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController, RepoLinkController],
      providers: [
        LinkRepository,
        // One instance behind both tokens: the engine sees the port, repo/link queries use the repository.
        { provide: LinkStore, useExisting: LinkRepository },
        { provide: ReconRunStore, useClass: ReconRunRepository },
        AuditRepository,
        { provide: AuditEventFilter, useValue: AuditEventFilter.of(configFile(project, auditConfigFile)) },
        {
          provide: AuditStore,
          useFactory: (repository: AuditRepository, filter: AuditEventFilter): AuditStore =>
            filter === AuditEventFilter.NONE ? repository : new FilteringAuditStore(repository, filter),
          inject: [AuditRepository, AuditEventFilter],
        },
        { provide: ActivityWatch, useValue: ActivityWatch.of(configFile(project, auditConfigFile)) },
        { provide: ActivityRecorder, useClass: AuditActivityRecorder },
        AuditService,
        RepoLinkService,
      ],
      exports: [LinkStore, ReconRunStore, AuditStore, AuditEventFilter, ActivityRecorder],
    };
  }
}
