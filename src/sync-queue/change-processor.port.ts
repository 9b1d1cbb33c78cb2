import type { LinkSnapshot } from '../core/sync/link-snapshot';
import type { CompanionRead } from '../persistence/following-writes';
import type { SqlExecutor } from '../persistence/sql-database';
import type { ClosingWrites } from './change-queue.store';
import type { WrittenObject } from './managed-change.recorder';
import type { JsonObject } from '../managed/managed-object';
import type { ChangeOutcome, QueuedChange } from './queued-change';

/** An object's state as a read of it returns it at this moment; `object` null when it is gone. */
export interface CurrentState {
  readonly object: JsonObject | null;
  /** The object's links as the write's own statement read them (ChangeProcessor.companionOf). */
  readonly links?: LinkSnapshot;
}

/**
 * An object of the set the change came from, as the operation that wrote the change read it (live sync's entry).
 * The change's delivery compares against it rather than reading it again: the written object was derived from
 * this state, and a change made to it since (one live sync has yet to bring back) must not be overwritten with
 * what was derived from the older one.
 */
export interface SeenObject {
  /** `system/ldap/account`. */
  readonly resource: string;
  readonly id: string;
  readonly object: JsonObject;
}

/** A read the processor wants made in the statement of the write it will deliver, and how to take its rows. */
export interface WriteCompanion {
  readonly read: CompanionRead;
  readonly take: (rows: readonly unknown[]) => LinkSnapshot;
}

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
  /**
   * `current`, when given, is the object as the write that recorded the change left it, delivered right after
   * that write's commit: the processor may take it for its re-read. A write made since has merged into the row
   * and bumped its version, so the row is delivered again afterwards, with a fresh read (level-triggered).
   * `closing`: where the processor's own bookkeeping (its audit lines) may wait for the delivery's closing
   * statement rather than cost a round trip of its own. `seen`: the object the writer derived this change from
   * (SeenObject), for the mapping back to its set.
   */
  abstract process(
    change: QueuedChange,
    current?: CurrentState,
    closing?: ClosingWrites,
    seen?: SeenObject,
  ): Promise<ChangeOutcome>;

  /**
   * Whether changes of `resource` (`managed/user`) have anywhere to go. When no mapping reads that set, recording
   * its changes would only cost the write extra statements, so the recorder skips them.
   */
  wants(_resource: string): boolean {
    return true;
  }

  /**
   * What the delivery of a change of `resource`/`objectId` will read first and may have read by the write's
   * own statement instead (its links): one round trip less between the write and the target. None by default.
   */
  companionOf(_resource: string, _objectId: string): WriteCompanion | undefined {
    return undefined;
  }

  /**
   * For objects of `resource` the sync engine has just created or updated in a batch (inside `tx`, not yet committed),
   * whether their implicit sync is already known to change nothing, index by index: such a change needs no
   * queue row and no delivery, and the processor writes what the delivery would have left (its audit) in
   * `tx`. The sync engine proves it from the write's origin (OpenIDM's pending LINK, §5.4); by default
   * nothing is settled and every change is queued.
   */
  settleWritten(
    _tx: SqlExecutor,
    _resource: string,
    written: readonly WrittenObject[],
  ): Promise<readonly boolean[]> {
    return Promise.resolve(written.map(() => false));
  }
}
