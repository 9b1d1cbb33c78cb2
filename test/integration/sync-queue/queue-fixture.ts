/**
 * ManagedService over a real repository with the durable-delivery hook, as the app wires it, plus the queue's
 * own services: for integration tests that drive writes and deliveries directly.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityWatch } from '../../../src/audit/activity-watch';
import { AuditEventFilter } from '../../../src/core/audit/audit-event-filter';
import { AuditActivityRecorder } from '../../../src/audit/audit-activity.recorder';
import { AuditRepository } from '../../../src/persistence/audit.repository';
import { compileManagedConfig } from '../../../src/core/managed/managed-schema';
import { RandomUuidGenerator } from '../../../src/managed/id-generator';
import { ManagedTypes } from '../../../src/managed/managed-types';
import { ManagedService } from '../../../src/managed/managed.service';
import { ManagedObjectRepository } from '../../../src/persistence/managed-object.repository';
import type { SqlDatabase } from '../../../src/persistence/sql-database';
import { SyncQueueRepository } from '../../../src/persistence/sync-queue.repository';
import { FieldCrypto } from '../../../src/security/field-crypto';
import { ChangeDelivery } from '../../../src/sync-queue/change-delivery.service';
import { QueuedManagedChangeRecorder } from '../../../src/sync-queue/queued-managed-change.recorder';
import { SyncDeliveryConfig } from '../../../src/sync-queue/sync-queue.settings';

const MANAGED_JSON = join(__dirname, '../../../config/managed.json');

export interface QueueRig {
  readonly managed: ManagedService;
  readonly queue: SyncQueueRepository;
  readonly delivery: ChangeDelivery;
  readonly recorder: QueuedManagedChangeRecorder;
  readonly store: ManagedObjectRepository;
  readonly config: SyncDeliveryConfig;
  readonly types: ManagedTypes;
  readonly crypto: FieldCrypto;
}

/** `queue` replaces the queue repository (e.g. one whose insert fails). */
export function queueRig(
  db: SqlDatabase,
  env: NodeJS.ProcessEnv = {},
  queue: SyncQueueRepository = new SyncQueueRepository(db),
): QueueRig {
  const types = new ManagedTypes(compileManagedConfig(JSON.parse(readFileSync(MANAGED_JSON, 'utf8'))));
  const crypto = new FieldCrypto([{ alias: 'openidm-sym-default', key: randomBytes(32) }]);
  const config = SyncDeliveryConfig.fromEnv(env);
  const delivery = new ChangeDelivery(queue, config);
  const recorder = new QueuedManagedChangeRecorder(db, queue, delivery, config);
  const store = new ManagedObjectRepository(db);
  const activity = new AuditActivityRecorder(
    new AuditRepository(db),
    types,
    ActivityWatch.of(undefined),
    AuditEventFilter.NONE,
  );
  const managed = new ManagedService(
    store,
    types,
    crypto,
    new RandomUuidGenerator(),
    undefined,
    recorder,
    activity,
  );
  return { managed, queue, delivery, recorder, store, config, types, crypto };
}

export const user = (userName: string, extra: Record<string, string> = {}) => ({
  userName,
  givenName: userName,
  sn: 'Tester',
  mail: `${userName}@example.com`,
  ...extra,
});

/** Polls `check` until it holds or `timeoutMs` passes (then fails with `what`). */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
