import type { QueryRequest } from '../core/crest/query-request';
import type { StoreQueryPage } from '../managed/managed-object.store';
import type { JsonObject } from '../managed/managed-object';
import { buildDocumentCount, buildDocumentSelect, type DocumentSource } from './document-select.sql';
import { rethrowNul } from './pg-error';
import type { SqlExecutor } from './sql-database';

interface DocumentRow {
  id: string;
  rev: string | number;
  doc: JsonObject;
}

/**
 * One page of a CREST query over a document-shaped source (`id, rev, doc` rows), with the total when the request
 * asks for it. Shared by the audit, link, recon-entry and queue repositories.
 */
export async function queryDocumentPage(
  db: SqlExecutor,
  source: DocumentSource,
  request: QueryRequest,
): Promise<StoreQueryPage> {
  try {
    const select = buildDocumentSelect(source, request);
    const page = select.page.page(await db.query<DocumentRow>(select.sql, select.params));
    let total = -1;
    if (request.totalPagedResultsPolicy !== 'NONE') {
      const count = buildDocumentCount(source, request);
      const counted = await db.query<{ total: string }>(count.sql, count.params);
      total = Number(counted[0]?.total ?? 0);
    }
    return {
      objects: page.rows.map((row) => ({ id: row.id, rev: Number(row.rev), doc: row.doc })),
      nextCookie: page.nextCookie,
      total,
    };
  } catch (error) {
    return rethrowNul(error);
  }
}
