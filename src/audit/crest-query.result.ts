import type { QueryRequest, QueryResult } from '../core/crest/query-request';
import { projectFields } from '../core/crest/resource-projection';
import type { StoreQueryPage } from '../managed/managed-object.store';

type Resource = Record<string, unknown>;

/**
 * The CREST query reply (openidm-sync-facts.md §7.4) for a page of stored documents: `toResource` puts the
 * id (and revision, where the resource has one) back on each document, then `_fields` projects it.
 */
export function toQueryResult(
  request: QueryRequest,
  page: StoreQueryPage,
  toResource: (id: string, rev: number, doc: Resource) => Resource,
): QueryResult<Resource> {
  const result = page.objects.map((stored) =>
    projectFields(toResource(stored.id, stored.rev, stored.doc), request.fields),
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

export type QueryParams = Record<string, string | string[] | undefined>;

/** A query parameter given once, or undefined; a repeated one is ambiguous and left to the caller to refuse. */
export function singleParam(params: QueryParams, name: string): string | string[] | undefined {
  const value = params[name];
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}
