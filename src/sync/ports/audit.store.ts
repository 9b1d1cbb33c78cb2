import type { QueryRequest } from '../../core/crest/query-request';
import type { StoreQueryPage } from '../../managed/managed-object.store';
import type { SqlExecutor } from '../../persistence/sql-database';

export type AuditTopic = 'recon' | 'sync' | 'activity';

/** An audit event as OpenIDM writes it (§9): `_id`, `timestamp`, `eventName`, `transactionId` and the topic's fields. */
export type AuditEvent = Record<string, unknown> & { _id: string; timestamp: string; eventName: string };

/** Port: `audit/recon`, `audit/sync`, `audit/activity`, queryable with `_queryFilter`. */
export abstract class AuditStore {
  /**
   * Appends events in one statement (recon writes them in batches). Within a transaction that can defer
   * writes (SqlExecutor.defer) the statement may travel with the transaction's next write or its commit.
   */
  abstract append(topic: AuditTopic, events: readonly AuditEvent[], tx?: SqlExecutor): Promise<void>;
  /**
   * Appends the events of something already done elsewhere (a delivery's audit/sync lines), committed without
   * waiting for the disk: a crash in the next moments may lose them, as it could before they were written.
   * With `alongside` (a delivery's ClosingWrites) they wait there for that delivery's closing statement.
   */
  abstract appendUnflushed(
    topic: AuditTopic,
    events: readonly AuditEvent[],
    alongside?: SqlExecutor,
  ): Promise<void>;
  abstract read(topic: AuditTopic, id: string): Promise<AuditEvent | null>;
  abstract query(topic: AuditTopic, request: QueryRequest): Promise<StoreQueryPage>;
}
