import { ManagedObjects1763856000000 } from './0001-managed-objects.migration';
import { Links1764460800000 } from './0002-links.migration';
import { ReconRuns1764460800001 } from './0003-recon-runs.migration';
import { AuditEvents1764460800002 } from './0004-audit-events.migration';
import { SchedulerCluster1765500000000 } from './0005-scheduler-cluster.migration';
import { SyncDelivery1765600000000 } from './0006-sync-delivery.migration';
import { ReconEntriesInAudit1765700000000 } from './0007-recon-entries-in-audit.migration';
import { LinkUnchangedStamps1765800000000 } from './0008-link-unchanged-stamps.migration';
import { AuditEventCommons1765900000000 } from './0009-audit-event-commons.migration';
import { AuditReconIndexPartial1766000000000 } from './0010-audit-recon-index-partial.migration';
import { AuditEventPacks1766100000000 } from './0011-audit-event-packs.migration';
import { SyncQueueBases1766200000000 } from './0012-sync-queue-bases.migration';
import { AgreedEventPacks1766300000000 } from './0013-agreed-event-packs.migration';
import { AuditPacksLz41766400000000 } from './0014-audit-packs-lz4.migration';
import { EventPacksWithoutRun1766500000000 } from './0015-event-packs-without-run.migration';
import { ReconRunsByMapping1766600000000 } from './0016-recon-runs-by-mapping.migration';

/** Every migration in order; TypeORM records the applied ones in `migrations`. */
export const MIGRATIONS = [
  ManagedObjects1763856000000,
  Links1764460800000,
  ReconRuns1764460800001,
  AuditEvents1764460800002,
  SchedulerCluster1765500000000,
  SyncDelivery1765600000000,
  ReconEntriesInAudit1765700000000,
  LinkUnchangedStamps1765800000000,
  AuditEventCommons1765900000000,
  AuditReconIndexPartial1766000000000,
  AuditEventPacks1766100000000,
  SyncQueueBases1766200000000,
  AgreedEventPacks1766300000000,
  AuditPacksLz41766400000000,
  EventPacksWithoutRun1766500000000,
  ReconRunsByMapping1766600000000,
];
