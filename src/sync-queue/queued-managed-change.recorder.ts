import { Injectable } from '@nestjs/common';
import type { StoredObject } from '../managed/managed-object';
import { SqlDatabase, type SqlExecutor } from '../persistence/sql-database';
import { ChangeDelivery } from './change-delivery.service';
import { ChangeQueueStore } from './change-queue.store';
import { deliveryIsDeferred } from './delivery-context';
import { ManagedChangeRecorder } from './managed-change.recorder';
import type { ChangeOperation } from './queued-change';
import { SyncDeliveryConfig } from './sync-queue.settings';

/** The managed write and its `sync_queue` row in one transaction; then, as in OpenIDM, sync before replying. */
@Injectable()
export class QueuedManagedChangeRecorder extends ManagedChangeRecorder {
  constructor(
    private readonly db: SqlDatabase,
    private readonly queue: ChangeQueueStore,
    private readonly delivery: ChangeDelivery,
    private readonly config: SyncDeliveryConfig,
  ) {
    super();
  }

  async record(
    resource: string,
    operation: ChangeOperation,
    write: (tx: SqlExecutor) => Promise<StoredObject>,
  ): Promise<StoredObject> {
    if (!this.delivery.wants(resource)) return write(this.db);
    const { stored, ref } = await this.db.transaction(async (tx) => {
      const written = await write(tx);
      const enqueued = await this.queue.enqueue(tx, {
        resource,
        objectId: written.id,
        operation,
        lastState: operation === 'delete' ? written.doc : null,
      });
      return { stored: written, ref: enqueued };
    });
    if (this.config.queue.inline && !deliveryIsDeferred()) await this.delivery.deliverNow(ref);
    return stored;
  }
}
