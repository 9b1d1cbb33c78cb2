import { Injectable, Logger } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import { DomainError, notFound, preconditionFailed } from '../core/errors/domain-error';
import type { JsonObject, StoredObject } from '../managed/managed-object';
import {
  ManagedObjectStore,
  type ObjectTypeIndexing,
  type ObjectVersion,
  type StoreQueryPage,
} from '../managed/managed-object.store';
import { cursorPages, mapPages, readsByCursor } from './cursor-pages';
import { eachCopyRow } from './copy-text-rows';
import type { TextRow } from './text-row';
import { LINKED_VERSION_ROW_COLUMNS } from '../sync/ports/link.store';
import { LINKED_VERSIONS_SELECT, VERSION_SQL, versionSql } from './object-version.sql';
import { inUserTerms } from './managed-object-errors';
import { inIndexOrder } from './index-order';
import { buildManagedObjectSelect, buildSqlWhere, searchableIndexSql } from './query-filter.sql';
import { uniqueIndexName, uniqueIndexSql } from './unique-index.sql';
import { SqlDatabase, type SqlExecutor } from './sql-database';

interface Row {
  id: string;
  rev: string | number;
  doc: JsonObject;
}

/** Rows per INSERT of createMany: the JSON parameter stays a few hundred kB while round trips stay few. */
const INSERT_CHUNK = 1_000;

/** Managed objects in `managed_objects` (PostgreSQL or PGlite): one row per object, the document as jsonb. */

@Injectable()
export class ManagedObjectRepository extends ManagedObjectStore {
  private readonly logger = new Logger('ManagedObjectRepository');
  private searchableByType = new Map<string, ReadonlyMap<string, string>>();
  /** Unique index name → [object type, property], to explain a violation in the user's terms. */
  private uniqueIndexes = new Map<string, readonly [string, string]>();

  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async create(
    objectType: string,
    id: string,
    doc: JsonObject,
    tx: SqlExecutor = this.db,
  ): Promise<StoredObject> {
    const rows = await this.guardErrors(() =>
      tx.query<Row>(
        `INSERT INTO managed_objects (object_type, id, rev, doc) VALUES ($1, $2, 1, $3)
         ON CONFLICT (object_type, id) DO NOTHING RETURNING id, rev, doc`,
        [objectType, id, doc],
      ),
    );
    const row = rows[0];
    if (!row) {
      throw preconditionFailed(`Object managed/${objectType}/${id} already exists`, { id });
    }
    return toStored(row);
  }

  async read(objectType: string, id: string, tx: SqlExecutor = this.db): Promise<StoredObject | null> {
    const rows = await this.guardErrors(() =>
      tx.query<Row>('SELECT id, rev, doc FROM managed_objects WHERE object_type = $1 AND id = $2', [
        objectType,
        id,
      ]),
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** One statement: the ids travel as one JSON array, as the link repository sends them (PGlite and pg alike). */
  async readMany(
    objectType: string,
    ids: readonly string[],
    tx: SqlExecutor = this.db,
  ): Promise<StoredObject[]> {
    if (ids.length === 0) return [];
    const rows = await this.guardErrors(() =>
      tx.query<Row>(
        `SELECT id, rev, doc FROM managed_objects
         WHERE object_type = $1 AND id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
        [objectType, JSON.stringify(ids)],
      ),
    );
    return rows.map(toStored);
  }

  /** On PostgreSQL one pass through a cursor (cursor-pages.ts); the embedded repository keeps to keyset pages. */
  override idPages(objectType: string, pageSize: number): AsyncIterable<string[]> {
    if (!readsByCursor(this.db)) return super.idPages(objectType, pageSize);
    return mapPages(
      cursorPages<{ id: string }>(
        this.db,
        'SELECT id FROM managed_objects WHERE object_type = $1',
        [objectType],
        pageSize,
      ),
      (row) => row.id,
    );
  }

  override eachIdRow(objectType: string, onRow: (row: TextRow) => void): Promise<boolean> {
    const select = `SELECT id, '' FROM managed_objects WHERE object_type = $1`;
    return this.guardErrors(() => eachCopyRow(this.db, select, [objectType], 2, onRow));
  }

  override eachVersionRow(objectType: string, onRow: (row: TextRow) => void): Promise<boolean> {
    const select = `SELECT id, ${VERSION_SQL} FROM managed_objects WHERE object_type = $1`;
    return this.guardErrors(() => eachCopyRow(this.db, select, [objectType], 2, onRow));
  }

  override eachVersionRowWithLinks(
    objectType: string,
    linkType: string,
    qualifier: string,
    onRow: (row: TextRow) => void,
  ): Promise<boolean> {
    const params = [objectType, linkType, qualifier];
    const columns = LINKED_VERSION_ROW_COLUMNS.length;
    return this.guardErrors(() => eachCopyRow(this.db, LINKED_VERSIONS_SELECT, params, columns, onRow));
  }

  override versionPages(objectType: string, pageSize: number): AsyncIterable<ObjectVersion[]> {
    if (!readsByCursor(this.db)) return super.versionPages(objectType, pageSize);
    return cursorPages<ObjectVersion>(
      this.db,
      `SELECT id, ${VERSION_SQL} AS version FROM managed_objects WHERE object_type = $1`,
      [objectType],
      pageSize,
    );
  }

  /** Keyset pages over the primary key (inIndexOrder): an index-only scan, no document leaves the database. */
  async idPage(objectType: string, afterId: string | null, limit: number): Promise<string[]> {
    // Two statements, not `($2 IS NULL OR id > $2)`: in the generic plan PostgreSQL settles on for a prepared
    // statement after five runs, that OR is a filter, not an index bound, so every page scanned from the first
    // id (100k ids: 12 pages, 660k index entries read; 300k: 4.6M).
    const rows = await this.guardErrors(() =>
      inIndexOrder(this.db, (tx) =>
        afterId === null
          ? tx.query<{ id: string }>(
              'SELECT id FROM managed_objects WHERE object_type = $1 ORDER BY id LIMIT $2',
              [objectType, limit],
            )
          : tx.query<{ id: string }>(
              'SELECT id FROM managed_objects WHERE object_type = $1 AND id > $2 ORDER BY id LIMIT $3',
              [objectType, afterId, limit],
            ),
      ),
    );
    return rows.map((row) => row.id);
  }

  async versionPage(objectType: string, afterId: string | null, limit: number): Promise<ObjectVersion[]> {
    // As idPage: two statements, so that the generic plan keeps `id > $2` an index bound.
    return this.guardErrors(() =>
      inIndexOrder(this.db, (tx) =>
        afterId === null
          ? tx.query<ObjectVersion>(
              `SELECT id, ${VERSION_SQL} AS version FROM managed_objects WHERE object_type = $1 ORDER BY id LIMIT $2`,
              [objectType, limit],
            )
          : tx.query<ObjectVersion>(
              `SELECT id, ${VERSION_SQL} AS version FROM managed_objects
               WHERE object_type = $1 AND id > $2 ORDER BY id LIMIT $3`,
              [objectType, afterId, limit],
            ),
      ),
    );
  }

  /**
   * Multi-row INSERT of up to INSERT_CHUNK rows per statement, the rows as one JSON array parameter; several
   * chunks share one transaction. An existing id is not overwritten: the missing RETURNING row names it.
   */
  async createMany(
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject }[],
    tx?: SqlExecutor,
  ): Promise<StoredObject[]> {
    if (rows.length === 0) return [];
    const insert = async (executor: SqlExecutor): Promise<StoredObject[]> => {
      const stored: StoredObject[] = [];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        stored.push(
          ...(await this.insertChunk(executor, objectType, rows.slice(start, start + INSERT_CHUNK))),
        );
      }
      return stored;
    };
    if (tx !== undefined || rows.length <= INSERT_CHUNK) return insert(tx ?? this.db);
    return this.db.transaction(insert);
  }

  /**
   * A plain INSERT: an id that exists fails the statement on the primary key (all or nothing, as the batch's
   * transaction is). `ON CONFLICT DO NOTHING` would say the same through a missing RETURNING row, but its
   * speculative insertion cost PostgreSQL a fifth more CPU per row (100k rows: 2.7 → 2.1 s of the backend's).
   */
  private async insertChunk(
    executor: SqlExecutor,
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject }[],
  ): Promise<StoredObject[]> {
    // The statement answers with the version the new rows have (rev 1, created now), not with the rows.
    const answer = await this.guardErrors(
      () =>
        executor.query<{ version: string }>(
          `WITH created AS (
             INSERT INTO managed_objects (object_type, id, rev, doc)
             SELECT $1, r->>0, 1, r->1 FROM jsonb_array_elements($2::jsonb) AS rows(r))
           SELECT ${versionSql('1', 'now()')} AS version`,
          [objectType, JSON.stringify(rows.map((row) => [row.id, row.doc]))],
        ),
      (existing) =>
        preconditionFailed(`Object managed/${objectType}/${existing} already exists`, { id: existing }),
    );
    const version = answer[0]?.version;
    return rows.map((row) => ({
      id: row.id,
      rev: 1,
      doc: row.doc,
      ...(version === undefined ? {} : { version }),
    }));
  }

  /** As createMany: INSERT_CHUNK rows a statement, the rows as one JSON array, several chunks in one transaction. */
  async updateMany(
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject; readonly expectedRev: number }[],
    tx?: SqlExecutor,
  ): Promise<StoredObject[]> {
    if (rows.length === 0) return [];
    // UPDATE … FROM writes a row once however many source rows match it: a second would be lost, not applied.
    const ids = new Set(rows.map((row) => row.id));
    if (ids.size < rows.length) throw new Error(`updateMany of managed/${objectType}: an id appears twice`);
    const update = async (executor: SqlExecutor): Promise<StoredObject[]> => {
      const stored: StoredObject[] = [];
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        stored.push(...(await this.updateChunk(executor, objectType, chunk)));
      }
      return stored;
    };
    // Even one chunk needs a transaction: its statement commits the rows it changed before the check below.
    return tx === undefined ? this.db.transaction(update) : update(tx);
  }

  /**
   * One UPDATE … FROM the chunk's rows, each guarded by its revision. It answers with the new revision and
   * version of the rows it changed, not with their documents (the caller has them); a row it did not change
   * was changed or deleted by someone else since it was read, which fails the chunk (and its transaction).
   */
  private async updateChunk(
    executor: SqlExecutor,
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject; readonly expectedRev: number }[],
  ): Promise<StoredObject[]> {
    const answer = await this.guardErrors(() =>
      executor.query<{ id: string; rev: string | number; version: string }>(
        `UPDATE managed_objects AS m SET doc = r->1, rev = m.rev + 1, updated_at = now()
         FROM jsonb_array_elements($2::jsonb) AS rows(r)
         WHERE m.object_type = $1 AND m.id = r->>0 AND m.rev = (r->>2)::bigint
         RETURNING m.id, m.rev, ${versionSql('m.rev', 'm.created_at')} AS version`,
        [objectType, JSON.stringify(rows.map((row) => [row.id, row.doc, row.expectedRev]))],
      ),
    );
    const written = new Map(answer.map((row) => [row.id, row]));
    return rows.map((row) => {
      const done = written.get(row.id);
      if (done === undefined)
        throw preconditionFailed(
          `Object managed/${objectType}/${row.id} changed or was deleted since it was read`,
          { id: row.id },
        );
      return { id: row.id, rev: Number(done.rev), doc: row.doc, version: done.version };
    });
  }

  async update(
    objectType: string,
    id: string,
    doc: JsonObject,
    expectedRev?: number,
    tx: SqlExecutor = this.db,
  ): Promise<StoredObject> {
    const rows = await this.guardErrors(() =>
      tx.query<Row>(
        `UPDATE managed_objects SET doc = $3, rev = rev + 1, updated_at = now()
         WHERE object_type = $1 AND id = $2 AND ($4::bigint IS NULL OR rev = $4::bigint)
         RETURNING id, rev, doc`,
        [objectType, id, doc, expectedRev ?? null],
      ),
    );
    if (rows[0]) return toStored(rows[0]);
    throw await this.missingOrStale(objectType, id, expectedRev, tx);
  }

  async delete(
    objectType: string,
    id: string,
    expectedRev?: number,
    tx: SqlExecutor = this.db,
  ): Promise<StoredObject> {
    const rows = await this.guardErrors(() =>
      tx.query<Row>(
        `DELETE FROM managed_objects
         WHERE object_type = $1 AND id = $2 AND ($3::bigint IS NULL OR rev = $3::bigint)
         RETURNING id, rev, doc`,
        [objectType, id, expectedRev ?? null],
      ),
    );
    if (rows[0]) return toStored(rows[0]);
    throw await this.missingOrStale(objectType, id, expectedRev, tx);
  }

  async query(objectType: string, request: QueryRequest): Promise<StoreQueryPage> {
    const searchable = this.searchableByType.get(objectType) ?? new Map<string, string>();
    const select = buildManagedObjectSelect(objectType, request, searchable);
    const rows = await this.guardErrors(() => this.db.query<Row>(select.sql, select.params));
    const page = select.page.page(rows);
    const total =
      request.totalPagedResultsPolicy === 'NONE' ? -1 : await this.count(objectType, request, searchable);
    return { objects: page.rows.map(toStored), nextCookie: page.nextCookie, total };
  }

  async ensureIndexes(indexing: readonly ObjectTypeIndexing[]): Promise<void> {
    this.searchableByType = new Map(indexing.map((type) => [type.objectType, type.searchable]));
    this.uniqueIndexes = new Map();
    for (const type of indexing) {
      for (const [property, declared] of type.searchable) {
        if (declared === 'string') await this.createIndex(searchableIndexSql(type.objectType, property));
      }
      for (const property of type.unique) {
        this.uniqueIndexes.set(uniqueIndexName(type.objectType, property), [type.objectType, property]);
        await this.createIndex(uniqueIndexSql(type.objectType, property));
      }
    }
  }

  private async count(
    objectType: string,
    request: QueryRequest,
    searchable: ReadonlyMap<string, string>,
  ): Promise<number> {
    const where = buildSqlWhere(request.filter, { paramOffset: 1, searchable });
    const rows = await this.guardErrors(() =>
      this.db.query<{ total: string }>(
        `SELECT count(*) AS total FROM managed_objects WHERE object_type = $1 AND (${where.sql})`,
        [objectType, ...where.params],
      ),
    );
    return Number(rows[0]?.total ?? 0);
  }

  private async createIndex(sql: string): Promise<void> {
    try {
      await this.db.query(sql);
    } catch (error) {
      // Existing duplicates make a unique index impossible; the service still starts and says why.
      this.logger.warn(
        `Could not create index (${sql}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async missingOrStale(
    objectType: string,
    id: string,
    expectedRev: number | undefined,
    tx: SqlExecutor,
  ): Promise<DomainError> {
    const current = await this.read(objectType, id, tx);
    if (!current) return notFound(`Object ${id} not found in managed/${objectType}`);
    return preconditionFailed(
      `Update rejected as current Object revision ${current.rev} is different than expected by caller (${expectedRev})`,
    );
  }

  /** Runs `work`, its PostgreSQL errors in the user's terms (managed-object-errors.ts). */
  private async guardErrors<T>(work: () => Promise<T>, idTaken?: (id: string) => DomainError): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw inUserTerms(error, this.uniqueIndexes, idTaken);
    }
  }
}

function toStored(row: Row): StoredObject {
  return { id: row.id, rev: Number(row.rev), doc: row.doc };
}
