import type { QueryRequest, QueryResult } from './query-request';
import { projectFields } from './resource-projection';

type Resource = Record<string, unknown>;

/** A page as stores return it: documents with their id and revision, the next cookie and the total (or -1). */
export interface DocumentPage {
  readonly objects: readonly { readonly id: string; readonly rev: number; readonly doc: Resource }[];
  readonly nextCookie: string | null;
  readonly total: number;
}

/**
 * The CREST query reply (openidm-sync-facts.md §7.4) for a page of stored documents: `toResource` puts the
 * id (and revision, where the resource has one) back on each document, then `_fields` projects it.
 * `query-all-ids` replies carry only `_id` and `_rev`.
 */
export function toQueryResult<T extends Resource = Resource>(
  request: QueryRequest,
  page: DocumentPage,
  toResource: (id: string, rev: number, doc: Resource) => Resource,
): QueryResult<T> {
  const result = page.objects.map(
    (stored) =>
      (request.idsOnly
        ? { _id: stored.id, _rev: String(stored.rev) }
        : projectFields(toResource(stored.id, stored.rev, stored.doc), request.fields)) as T,
  );
  return {
    result,
    resultCount: result.length,
    pagedResultsCookie: page.nextCookie,
    totalPagedResultsPolicy: request.totalPagedResultsPolicy,
    totalPagedResults: page.total,
    remainingPagedResults: -1,
  };
}
