import { getAt } from '../json-pointer/json-pointer';

type Json = unknown;

/**
 * `_fields` projection: keeps `_id` and `_rev` always (as CREST does) and the listed pointers, nesting
 * the values back at their paths. An empty list keeps everything.
 */
export function projectFields(
  resource: Record<string, Json>,
  fields: readonly (readonly string[])[],
): Record<string, Json> {
  if (fields.length === 0) return resource;
  const out: Record<string, Json> = {};
  if ('_id' in resource) out._id = resource._id;
  if ('_rev' in resource) out._rev = resource._rev;
  for (const pointer of fields) {
    if (pointer.length === 0) return resource;
    const value = getAt(resource, pointer);
    if (value !== undefined) setNested(out, pointer, value);
  }
  return out;
}

function setNested(target: Record<string, Json>, pointer: readonly string[], value: Json): void {
  let node = target;
  pointer.forEach((token, index) => {
    if (index === pointer.length - 1) {
      node[token] = value;
      return;
    }
    const next = node[token];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[token] = {};
    node = node[token] as Record<string, Json>;
  });
}
