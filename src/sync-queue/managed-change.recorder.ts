import type { JsonObject, StoredObject } from '../managed/managed-object';
import type { SqlExecutor } from '../persistence/sql-database';
import type { ChangeOperation } from './queued-change';

/**
 * The writes of a ManagedObjectStore that can join a transaction: persistence/managed-object.repository.ts
 * takes the caller's SqlExecutor as an optional last argument. A store that ignores `tx` still works, but its
 * write then commits on its own, outside the transaction that records the change.
 */
export interface TransactionalManagedWrites {
  create(objectType: string, id: string, doc: JsonObject, tx?: SqlExecutor): Promise<StoredObject>;
  update(
    objectType: string,
    id: string,
    doc: JsonObject,
    expectedRev?: number,
    tx?: SqlExecutor,
  ): Promise<StoredObject>;
  delete(objectType: string, id: string, expectedRev?: number, tx?: SqlExecutor): Promise<StoredObject>;
}

/** Where the sync engine got an object it wrote: the mapping, its link qualifier, and the source entry. */
export interface WriteOrigin {
  readonly mapping: string;
  readonly linkQualifier: string;
  readonly sourceId: string;
  /** The source entry as the mapping read it for this write (any JSON: a system object's attributes). */
  readonly source: Record<string, unknown>;
}

/** An object created or updated in a batch, as a read returns it, and (for the sync engine's writes) its origin. */
export interface WrittenObject {
  readonly id: string;
  readonly object: JsonObject;
  readonly origin?: WriteOrigin;
}

/**
 * Port (ManagedService → durable delivery): runs a managed write and records its change for implicit sync
 * atomically with it, then — after the commit — delivers the change at once. A write that fails records nothing;
 * a delivery that fails leaves the change queued for retry and does not fail the write.
 */
export abstract class ManagedChangeRecorder {
  /**
   * `resource` is `managed/<type>`, `objectId` the id of the object `write` writes (for a delete, its last
   * state comes from what `write` returns). `write` sends one INSERT, UPDATE or DELETE … RETURNING through
   * the executor it is given; other statements before it are fine. `present` turns what `write` stored into
   * the object as a read returns it: the delivery right after the commit takes that rather than reading the
   * object back (ChangeProcessor.process). `before`: for an update, the object as stored before it, which the
   * change keeps (presented) as its old state (QueuedChange.oldState).
   */
  abstract record(
    resource: string,
    objectId: string,
    operation: ChangeOperation,
    write: (tx: SqlExecutor) => Promise<StoredObject>,
    present?: (stored: StoredObject) => JsonObject,
    before?: StoredObject | null,
  ): Promise<StoredObject>;

  /**
   * Runs a batch of creates or updates (recon's) and records their changes in the same transaction — `tx` when
   * the caller has one open (recon's batch also writes links), else one of its own. Objects whose implicit sync
   * is known to change nothing (see ChangeProcessor.settleWritten) get no row. Nothing is delivered within the
   * call: the caller's transaction may not have committed yet; the worker delivers what was recorded.
   */
  abstract recordBatch<T>(
    resource: string,
    operation: 'create' | 'update',
    write: (tx: SqlExecutor) => Promise<{ readonly result: T; readonly written: readonly WrittenObject[] }>,
    tx?: SqlExecutor,
  ): Promise<T>;
}
