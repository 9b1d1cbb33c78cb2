import type { ChangeOutcome, QueuedChange } from './queued-change';

/**
 * Port: what delivers one queued change — the sync engine, which runs every mapping whose source is
 * `change.resource` for `change.objectId`, re-reading the object (level-triggered), with
 * `change.lastState` as the old value of a delete. Bound with `{ provide: ChangeProcessor, useClass: … }`
 * in a global module.
 *
 * A retryable failure (LDAP down → UNAVAILABLE, a timeout, a conflict) throws or returns FAILED: the row
 * stays and is retried with back-off, then goes to the dead-letter list after `maxAttempts`. SUCCESS
 * removes the row, so it must only be returned once every mapping has handled the change.
 */
export abstract class ChangeProcessor {
  abstract process(change: QueuedChange): Promise<ChangeOutcome>;

  /**
   * Whether changes of `resource` (`managed/user`) have anywhere to go. When no mapping reads that set, recording
   * its changes would only cost the write extra statements, so the recorder skips them.
   */
  wants(_resource: string): boolean {
    return true;
  }
}
