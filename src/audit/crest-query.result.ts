export { toQueryResult } from '../core/crest/query-result';

export type QueryParams = Record<string, string | string[] | undefined>;

/** A query parameter given once, or undefined; a repeated one is ambiguous and left to the caller to refuse. */
export function singleParam(params: QueryParams, name: string): string | string[] | undefined {
  const value = params[name];
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}
