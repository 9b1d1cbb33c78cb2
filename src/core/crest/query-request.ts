import type { QueryFilter } from '../query-filter/query-filter.ast';

/** One `_sortKeys` entry: `sn` or `+sn` ascending, `-sn` descending, as a JSON pointer. */
export interface SortKey {
  readonly field: readonly string[];
  readonly ascending: boolean;
}

export type TotalPagedResultsPolicy = 'NONE' | 'EXACT' | 'ESTIMATE';

/** A parsed CREST query (shared/reference/openidm-sync-facts.md §7.4), independent of where it runs. */
export interface QueryRequest {
  /** `_queryFilter`, or `{type:'true'}` for `_queryId=query-all-ids`. */
  readonly filter: QueryFilter;
  /** `_queryId=query-all-ids`: items carry only `_id` and `_rev`. */
  readonly idsOnly: boolean;
  /** `_fields`, as JSON pointers; empty means every field. */
  readonly fields: readonly (readonly string[])[];
  /** `_pageSize`; 0 means no paging (everything in one reply). */
  readonly pageSize: number;
  /** `_pagedResultsCookie` as received (opaque to the client). */
  readonly pagedResultsCookie?: string;
  /** `_pagedResultsOffset`. */
  readonly pagedResultsOffset: number;
  readonly sortKeys: readonly SortKey[];
  readonly totalPagedResultsPolicy: TotalPagedResultsPolicy;
}

/** The CREST query reply body. Counts are -1 when not computed, the cookie null on the last page. */
export interface QueryResult<T> {
  readonly result: T[];
  readonly resultCount: number;
  readonly pagedResultsCookie: string | null;
  readonly totalPagedResultsPolicy: TotalPagedResultsPolicy;
  readonly totalPagedResults: number;
  readonly remainingPagedResults: number;
}
