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

/**
 * Port (ManagedService → durable delivery): runs a managed write and records its change for implicit sync in
 * one transaction, then — after the commit — delivers the change at once. A write that fails records nothing;
 * a delivery that fails leaves the change queued for retry and does not fail the write.
 */
export abstract class ManagedChangeRecorder {
  /** `resource` is `managed/<type>`; the change's object id (and, for a delete, its last state) come from what `write` returns. */
  abstract record(
    resource: string,
    operation: ChangeOperation,
    write: (tx: SqlExecutor) => Promise<StoredObject>,
  ): Promise<StoredObject>;
}
