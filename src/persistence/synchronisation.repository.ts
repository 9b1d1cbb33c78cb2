import { Injectable } from '@nestjs/common';
import type { QueryRequest } from '../core/crest/query-request';
import type { JsonObject } from '../managed/managed-object';
import type { StoreQueryPage } from '../managed/managed-object.store';
import {
  SynchronisationStore,
  type SynchronisationCollection,
  type SynchronisationDocument,
} from '../livesync/synchronisation.store';
import { buildDocumentCount, buildDocumentSelect, type DocumentSource } from './document-select.sql';
import { rethrowNul } from './pg-error';
import { SqlDatabase } from './sql-database';

interface Row {
  id: string;
  rev: string | number;
  doc: JsonObject;
}

/** `repo/synchronisation/<collection>/<id>` in `synchronisation_objects` (migration 0006). */
@Injectable()
export class SynchronisationRepository extends SynchronisationStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async read(collection: SynchronisationCollection, id: string): Promise<SynchronisationDocument | null> {
    const rows = await this.db
      .query<Row>('SELECT id, rev, doc FROM synchronisation_objects WHERE collection = $1 AND id = $2', [
        collection,
        id,
      ])
      .catch(rethrowNul);
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async write(
    collection: SynchronisationCollection,
    id: string,
    doc: JsonObject,
  ): Promise<SynchronisationDocument> {
    const rows = await this.db
      .query<Row>(
        `INSERT INTO synchronisation_objects (collection, id, rev, doc) VALUES ($1, $2, 1, $3)
         ON CONFLICT (collection, id) DO UPDATE SET doc = EXCLUDED.doc, rev = synchronisation_objects.rev + 1
         RETURNING id, rev, doc`,
        [collection, id, doc],
      )
      .catch(rethrowNul);
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toDocument(row);
  }

  async remove(collection: SynchronisationCollection, id: string): Promise<SynchronisationDocument | null> {
    const rows = await this.db
      .query<Row>(
        'DELETE FROM synchronisation_objects WHERE collection = $1 AND id = $2 RETURNING id, rev, doc',
        [collection, id],
      )
      .catch(rethrowNul);
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async query(collection: SynchronisationCollection, request: QueryRequest): Promise<StoreQueryPage> {
    const source: DocumentSource = {
      sql: 'SELECT id, rev, doc FROM synchronisation_objects WHERE collection = $1',
      params: [collection],
    };
    const select = buildDocumentSelect(source, request);
    const rows = await this.db.query<Row>(select.sql, select.params).catch(rethrowNul);
    const page = select.page.page(rows);
    let total = -1;
    if (request.totalPagedResultsPolicy !== 'NONE') {
      const count = buildDocumentCount(source, request);
      const counted = await this.db.query<{ total: string }>(count.sql, count.params);
      total = Number(counted[0]?.total ?? 0);
    }
    return { objects: page.rows.map(toDocument), nextCookie: page.nextCookie, total };
  }
}

function toDocument(row: Row): SynchronisationDocument {
  return { id: row.id, rev: Number(row.rev), doc: row.doc };
}
