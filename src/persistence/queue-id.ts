import { badRequest } from '../core/errors/domain-error';

/** A queue row's id as the `bigint` key it is (text, so that no id loses digits in a JS number); null otherwise. */
export function parseIdOrNull(id: string): string | null {
  return /^[1-9]\d{0,17}$/.test(id) ? id : null;
}

export function parseId(id: string): string {
  const key = parseIdOrNull(id);
  if (key === null) throw badRequest(`Invalid queue id '${id.slice(0, 40)}'`);
  return key;
}
