import type { QueryRequest } from '../core/crest/query-request';
import { buildOrderAndPage, buildSqlWhere, type OrderAndPage, type SqlFragment } from './query-filter.sql';

/**
 * Rows shaped like `managed_objects` for the CREST query translation: a SELECT yielding `id text`,
 * `rev bigint` and `doc jsonb`, plus the columns named in `textColumns`, with its own `$1..$n` params.
 * PostgreSQL pulls such a subquery up into the outer query, so the indexes of the table underneath
 * still serve the filter and the keyset order.
 */
export interface DocumentSource {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Top-level document properties mirrored in a text column (see SqlWhereOptions.textColumns). */
  readonly textColumns?: ReadonlyMap<string, string>;
  /** Where a condition on one top-level member reads it, for documents put together (SqlWhereOptions). */
  readonly memberDocument?: (member: string) => string;
}

const NOTHING_SEARCHABLE: ReadonlyMap<string, string> = new Map();

/** One page of a CREST query over a document source; `page.page(rows)` cuts it and makes the next cookie. */
export function buildDocumentSelect(
  source: DocumentSource,
  request: QueryRequest,
): SqlFragment & { readonly page: OrderAndPage } {
  const where = whereOf(source, request);
  const page = buildOrderAndPage(request, source.params.length + where.params.length, source.textColumns);
  const tail = [page.orderBySql, page.limitSql].filter((part) => part !== '').join(' ');
  return {
    sql: `SELECT id, rev, doc FROM (${source.sql}) AS documents WHERE (${where.sql}) AND ${page.keysetSql} ${tail}`,
    params: [...source.params, ...where.params, ...page.params],
    page,
  };
}

/** `SELECT count(*) AS total` of everything the query's filter matches (for `_totalPagedResultsPolicy`). */
export function buildDocumentCount(source: DocumentSource, request: QueryRequest): SqlFragment {
  const where = whereOf(source, request);
  return {
    sql: `SELECT count(*) AS total FROM (${source.sql}) AS documents WHERE (${where.sql})`,
    params: [...source.params, ...where.params],
  };
}

function whereOf(source: DocumentSource, request: QueryRequest): SqlFragment {
  return buildSqlWhere(request.filter, {
    paramOffset: source.params.length,
    searchable: NOTHING_SEARCHABLE,
    ...(source.textColumns ? { textColumns: source.textColumns } : {}),
    ...(source.memberDocument ? { memberDocument: source.memberDocument } : {}),
  });
}
