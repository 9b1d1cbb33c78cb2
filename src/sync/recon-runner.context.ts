import { Logger, type FactoryProvider } from '@nestjs/common';
import { AuditEventFilter } from '../core/audit/audit-event-filter';
import { SqlDatabase } from '../persistence/sql-database';
import { ObjectSets } from './object-sets';
import { AuditStore } from './ports/audit.store';
import { LinkStore } from './ports/link.store';
import { ReconRunStore } from './ports/recon-run.store';
import type { ReconRunnerDeps } from './recon-request';
import { SyncSettings } from './sync-mappings';
import { SyncScripts } from './sync-scripts';

/**
 * What every reconciliation run of this node reads and writes through, put together once when the module is
 * wired: ReconService keeps to starting, listing and cancelling runs, and hands this to each run it starts.
 */
export abstract class ReconRunnerContext {
  abstract readonly deps: ReconRunnerDeps;
}

export const reconRunnerContextProvider: FactoryProvider<ReconRunnerContext> = {
  provide: ReconRunnerContext,
  inject: [
    ObjectSets,
    LinkStore,
    ReconRunStore,
    AuditStore,
    AuditEventFilter,
    SyncScripts,
    SyncSettings,
    SqlDatabase,
  ],
  useFactory: (
    sets: ObjectSets,
    links: LinkStore,
    runs: ReconRunStore,
    audit: AuditStore,
    auditFilter: AuditEventFilter,
    scripts: SyncScripts,
    settings: SyncSettings,
    db: SqlDatabase,
  ): ReconRunnerContext => {
    const logger = new Logger('Recon');
    return {
      deps: {
        sets,
        links,
        runs,
        audit,
        auditFilter,
        scripts: (readOnly) => scripts.create(readOnly),
        clock: () => Date.now(),
        nodeId: settings.nodeId,
        warn: (message) => logger.warn(message),
        transaction: (work) => db.transaction(work),
      },
    };
  },
};
