import { Injectable } from '@nestjs/common';
import { conflict } from '../core/errors/domain-error';
import { SqlDatabase } from '../persistence/sql-database';
import { ChangeDelivery } from '../sync-queue/change-delivery.service';
import { ChangeQueueStore } from '../sync-queue/change-queue.store';
import { LdapLinkLocator, MANAGED_USERS } from './ldap-link.locator';

/**
 * `POST managed/user/<id>/ldap/sync`: queues the user as a managed write does (sync-queue/), so the queue's worker
 * runs the mappings whose source is managed/user on the user's current state, with the queue's retries.
 */
@Injectable()
export class UserLdapQueueService {
  constructor(
    private readonly locator: LdapLinkLocator,
    private readonly db: SqlDatabase,
    private readonly queue: ChangeQueueStore,
    private readonly delivery: ChangeDelivery,
  ) {}

  async enqueue(userId: string): Promise<{ status: 'queued' }> {
    await this.locator.user(userId);
    if (!this.delivery.wants(MANAGED_USERS)) {
      throw conflict(`No mapping with enableSync takes changes of ${MANAGED_USERS}: nothing to queue`);
    }
    // An update: the worker re-reads the user's current state; a waiting create of the user stays a create.
    await this.db.transaction((tx) =>
      this.queue.enqueue(tx, {
        resource: MANAGED_USERS,
        objectId: userId,
        operation: 'update',
        lastState: null,
      }),
    );
    return { status: 'queued' };
  }
}
