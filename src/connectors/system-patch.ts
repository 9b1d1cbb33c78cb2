/**
 * Applies CREST patch operations to a system object's top-level properties (PATCH on /openidm/system/...).
 * Supported: `add` (on `/field/-` appends to an array), `replace`, `remove` (with a value: removes that value
 * from an array), `increment` (numbers). Nested pointers are refused: system objects are flat.
 */
import { badRequest } from '../core/errors/domain-error';
import type { JsonObject, JsonValue } from '../managed/managed-object';
import type { SystemPatchOperation } from './system-connector.port';

const equal = (a: JsonValue, b: JsonValue): boolean => JSON.stringify(a) === JSON.stringify(b);

export function applySystemPatch(
  object: JsonObject,
  operations: readonly SystemPatchOperation[],
): JsonObject {
  const result: JsonObject = { ...object };
  for (const op of operations) {
    const parts = op.field.replace(/^\//, '').split('/');
    const [field, rest, ...more] = parts;
    if (!field || more.length > 0 || (rest !== undefined && rest !== '-')) {
      throw badRequest(`Unsupported patch field ${op.field}`);
    }
    const current = result[field];
    switch (op.operation) {
      case 'add':
        if (rest === '-' || Array.isArray(current)) {
          const list = Array.isArray(current) ? current : current == null ? [] : [current];
          const added = Array.isArray(op.value) && rest !== '-' ? op.value : [op.value ?? null];
          result[field] = [...list, ...added.filter((v) => !list.some((w) => equal(v, w)))];
        } else result[field] = op.value ?? null;
        break;
      case 'replace':
        result[field] = op.value ?? null;
        break;
      case 'remove':
        if (op.value !== undefined && Array.isArray(current)) {
          const removed = Array.isArray(op.value) ? op.value : [op.value];
          result[field] = current.filter((v) => !removed.some((r) => equal(v, r)));
        } else result[field] = null;
        break;
      case 'increment':
        if (typeof current !== 'number' || typeof op.value !== 'number') {
          throw badRequest(`increment needs numbers at ${op.field}`);
        }
        result[field] = current + op.value;
        break;
    }
  }
  return result;
}
