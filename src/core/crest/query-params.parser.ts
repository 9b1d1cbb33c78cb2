import { badRequest, forbidden } from '../errors/domain-error';
import { parsePointer } from '../json-pointer/json-pointer';
import { parseQueryFilter } from '../query-filter/query-filter.parser';
import type { QueryRequest, SortKey, TotalPagedResultsPolicy } from './query-request';

export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The only named query Concord knows; OpenIDM's repo defines it for every object set. */
export const QUERY_ALL_IDS = 'query-all-ids';

const POLICIES: readonly TotalPagedResultsPolicy[] = ['NONE', 'EXACT', 'ESTIMATE'];

/**
 * Reads the CREST query parameters (shared/reference/openidm-sync-facts.md §7.4) of a query request.
 * Parameters that are not CREST's (`uid=jdoe` for a named query, `_prettyPrint`) are left alone.
 */
export function parseQueryParams(params: QueryParams): QueryRequest {
  const queryFilter = single(params, '_queryFilter');
  const queryId = single(params, '_queryId');
  const queryExpression = single(params, '_queryExpression');
  const given = [queryFilter, queryId, queryExpression].filter((p) => p !== undefined).length;
  if (given > 1) {
    throw badRequest('Exactly one of _queryFilter, _queryId or _queryExpression may be given');
  }
  // Native queries would reach the database unchecked; OpenIDM's access rules refuse them over HTTP too.
  if (queryExpression !== undefined) throw forbidden('_queryExpression is not allowed over HTTP');
  if (given === 0) throw badRequest('One of _queryFilter, _queryId or _queryExpression is required');

  if (queryId !== undefined && queryId !== QUERY_ALL_IDS) {
    throw badRequest(`Unknown query id '${queryId}'`, { queryId });
  }
  const sortKeys = parseSortKeys(single(params, '_sortKeys'));
  if (queryId !== undefined && sortKeys.length > 0) {
    throw badRequest('_sortKeys cannot be used with _queryId');
  }
  const cookie = single(params, '_pagedResultsCookie');
  return {
    filter: queryFilter !== undefined ? parseQueryFilter(queryFilter) : { type: 'true' },
    idsOnly: queryId !== undefined,
    fields: parseFields(single(params, '_fields')),
    pageSize: nonNegativeInteger(params, '_pageSize'),
    ...(cookie ? { pagedResultsCookie: cookie } : {}),
    pagedResultsOffset: nonNegativeInteger(params, '_pagedResultsOffset'),
    sortKeys,
    totalPagedResultsPolicy: parsePolicy(single(params, '_totalPagedResultsPolicy')),
  };
}

/** A repeated CREST parameter is ambiguous (which page size?), so it is refused rather than guessed. */
function single(params: QueryParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string' || value === undefined) return value;
  if (value.length > 1) throw badRequest(`Parameter ${name} may be given only once`, { parameter: name });
  return value[0];
}

function parseFields(text: string | undefined): string[][] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '')
    .map((field) => pointerParam('_fields', field));
}

/**
 * `sn,-givenName,+mail`. A `+` in a URL query decodes to a space, so `_sortKeys=+mail` arrives as ` mail`;
 * keys are trimmed, which reads it as the ascending key it was meant to be.
 */
function parseSortKeys(text: string | undefined): SortKey[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const key = raw.trim();
    const sign = key.charAt(0);
    const name = sign === '-' || sign === '+' ? key.slice(1).trim() : key;
    if (name === '') throw badRequest(`Invalid _sortKeys '${text}': empty sort key`, { sortKeys: text });
    return { field: pointerParam('_sortKeys', name), ascending: sign !== '-' };
  });
}

function pointerParam(parameter: string, text: string): string[] {
  try {
    return parsePointer(text);
  } catch {
    throw badRequest(`Invalid ${parameter}: '${text}' is not a valid JSON pointer`, {
      parameter,
      value: text,
    });
  }
}

function nonNegativeInteger(params: QueryParams, name: string): number {
  const text = single(params, name);
  if (text === undefined || text === '') return 0;
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw badRequest(`${name} must be a non-negative integer, got '${text}'`, {
      parameter: name,
      value: text,
    });
  }
  return value;
}

function parsePolicy(text: string | undefined): TotalPagedResultsPolicy {
  if (text === undefined || text === '') return 'NONE';
  const policy = POLICIES.find((p) => p === text.toUpperCase());
  if (!policy) {
    throw badRequest(`_totalPagedResultsPolicy must be NONE, EXACT or ESTIMATE, got '${text}'`, {
      parameter: '_totalPagedResultsPolicy',
      value: text,
    });
  }
  return policy;
}
