import { Injectable } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import { badRequest, conflict } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import type { StoreQueryPage } from '../managed/managed-object.store';
import { AuditStore, type AuditEvent, type AuditTopic } from '../sync/ports/audit.store';
import { AUDIT_EVENT_COLUMNS, auditEventBatch, type SqlStatement } from './audit-event-rows.sql';
import { AUDIT_PACK_COLUMNS, eventPack, packMayHold } from './audit-event-packs.sql';
import { auditMemberDocument, WHOLE_AUDIT_DOC, wholeAuditEvents } from './audit-event-source.sql';
import type { DocumentSource } from './document-select.sql';
import { queryDocumentPage } from './document-query';
import { renumbered } from './deferred-writes';
import { pgError, PG_UNIQUE_VIOLATION, rethrowNul } from './pg-error';
import { SqlDatabase, type SqlExecutor } from './sql-database';

/** Events per INSERT statement: recon hands over its audit entries in batches. */
const INSERT_CHUNK = 1_000;

/**
 * Topics whose events only Concord makes, under ids unique by construction: a batch of them is stored as a pack
 * (audit-event-packs.sql.ts, `eventPack`), where no unique index sees each id. The recon topic's entries have
 * packs of their own (recon-run.repository.ts); its other events stay rows.
 */
const PACKED_TOPICS: ReadonlySet<AuditTopic> = new Set(['activity', 'sync']);

/** `reconId` and `timestamp` are also columns (migration 0004): filters on them use the indexes. */
const EVENT_TEXT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['reconId', 'recon_id'],
  ['timestamp', '"timestamp"'],
]);

/**
 * Audit events in `audit_events`: the event without `_id` as a jsonb document, keyed by (topic, `_id`).
 * The `_id` (`<uuid>-<n>`) is made by the caller; events have no revision, so `_rev` reads as "0".
 */
@Injectable()
export class AuditRepository extends AuditStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async append(topic: AuditTopic, events: readonly AuditEvent[], tx?: SqlExecutor): Promise<void> {
    if (events.length === 0) return;
    const malformed = events.find((event) => !columnsFit(event));
    if (malformed) {
      throw badRequest('An audit event needs a string _id and timestamp, and reconId a string or null', {
        _id: malformed._id,
      });
    }
    // Audit events beside a write in its transaction ride on the transaction's next statement.
    if (tx?.defer !== undefined && events.length <= INSERT_CHUNK) {
      const insert = chunkInsert(topic, events);
      if (insert.commons !== null) tx.defer(insert.commons.sql, insert.commons.params);
      tx.defer(insert.events.sql, insert.events.params);
      return;
    }
    const insert = async (executor: SqlExecutor): Promise<void> => {
      for (let start = 0; start < events.length; start += INSERT_CHUNK) {
        await this.insertChunk(executor, topic, events.slice(start, start + INSERT_CHUNK));
      }
    };
    if (tx !== undefined || events.length <= INSERT_CHUNK) await insert(tx ?? this.db);
    else await this.db.transaction(insert);
  }

  appendUnflushed(topic: AuditTopic, events: readonly AuditEvent[], alongside?: SqlExecutor): Promise<void> {
    return this.append(topic, events, alongside ?? this.db.relaxed);
  }

  async read(topic: AuditTopic, id: string): Promise<AuditEvent | null> {
    await this.db.trailing.settled();
    const rows = await this.run(() =>
      this.db.query<{ doc: JsonObject }>(
        `SELECT ${WHOLE_AUDIT_DOC} AS doc FROM ${wholeAuditEvents(`p.topic = $1 AND ${packMayHold(2)}`)} AS e
         WHERE topic = $1 AND id = $2`,
        [topic, id],
      ),
    );
    const row = rows[0];
    return row ? ({ _id: id, ...row.doc } as AuditEvent) : null;
  }

  async query(topic: AuditTopic, request: QueryRequest): Promise<StoreQueryPage> {
    await this.db.trailing.settled();
    const source: DocumentSource = {
      sql: `SELECT id, 0::bigint AS rev, ${WHOLE_AUDIT_DOC} AS doc, own_doc, shared_doc, recon_id, "timestamp"
            FROM ${wholeAuditEvents()} AS e WHERE topic = $1`,
      params: [topic],
      textColumns: EVENT_TEXT_COLUMNS,
      memberDocument: auditMemberDocument,
    };
    return queryDocumentPage(this.db, source, request);
  }

  /** One statement per chunk: the events as one JSON array, their shared members once (audit-event-rows.sql.ts). */
  private async insertChunk(
    executor: SqlExecutor,
    topic: AuditTopic,
    events: readonly AuditEvent[],
  ): Promise<void> {
    const { sql, params } = oneStatement(chunkInsert(topic, events));
    await this.run(() => executor.query(sql, params));
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const pg = pgError(error);
      if (pg.code === PG_UNIQUE_VIOLATION) {
        throw conflict('An audit event with this _id already exists', pg.detail ? { key: pg.detail } : {});
      }
      return rethrowNul(error);
    }
  }
}

/**
 * The text columns must mirror the document exactly (SqlWhereOptions.textColumns): `_id` and `timestamp`
 * strings, `reconId` a string or null/absent, as OpenIDM's events always have them.
 */
function columnsFit(event: AuditEvent): boolean {
  const reconId: unknown = event['reconId'];
  return (
    typeof event._id === 'string' &&
    typeof event.timestamp === 'string' &&
    (reconId === undefined || reconId === null || typeof reconId === 'string')
  );
}

/**
 * A chunk as plain INSERTs, which a transaction's next write can carry (deferred-writes.ts): the shared
 * members' row when there is one, then the events'.
 */
interface ChunkInsert {
  readonly commons: SqlStatement | null;
  readonly events: SqlStatement;
}

function chunkInsert(topic: AuditTopic, events: readonly AuditEvent[]): ChunkInsert {
  const pack = PACKED_TOPICS.has(topic) ? eventPack(topic, events, 1) : null;
  if (pack !== null) {
    return {
      commons: null,
      events: {
        sql: `INSERT INTO audit_event_packs (${AUDIT_PACK_COLUMNS}) ${pack.sql}`,
        params: pack.params,
      },
    };
  }
  const batch = auditEventBatch(events);
  const rows = batch.rows(2);
  const commons = batch.commons(1);
  return {
    commons:
      commons === null
        ? null
        : { sql: `INSERT INTO audit_event_commons (id, doc) ${commons.sql}`, params: commons.params },
    events: {
      sql: `INSERT INTO audit_events (${AUDIT_EVENT_COLUMNS}) SELECT $1, * FROM (${rows.sql}) AS rows`,
      params: [topic, ...rows.params],
    },
  };
}

/** A chunk's INSERTs as one statement: the shared members' as a data-modifying WITH of the events'. */
function oneStatement({ commons, events }: ChunkInsert): SqlStatement {
  if (commons === null) return events;
  return {
    sql: `WITH shared AS (${commons.sql}) ${renumbered(events.sql, commons.params.length)}`,
    params: [...commons.params, ...events.params],
  };
}
