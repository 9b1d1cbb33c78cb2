import { badRequest } from '../core/errors/domain-error';

/** Query parameters as Express parses them: a repeated parameter arrives as an array. */
export type QueryParams = Record<string, string | string[] | undefined>;

/** A parameter that must be given at most once (`_action`, `_id`, `_fields`, ...); a repeat is ambiguous: 400. */
export function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw badRequest('A query parameter was given more than once');
    return value[0];
  }
  return value;
}
