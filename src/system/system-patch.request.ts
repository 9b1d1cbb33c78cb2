/**
 * A CREST patch body for a system object → the connector's flat patch operations. System objects have only
 * top-level properties, so a pointer is `/field` or `/field/-` (append); `move` and `copy` have no LDAP meaning
 * here and are refused, as is touching `_id` (the entry's immutable identifier).
 */
import { badRequest } from '../core/errors/domain-error';
import { formatPointer } from '../core/json-pointer/json-pointer';
import { parsePatch } from '../core/patch/patch.parser';
import type { SystemPatchOperation } from '../connectors/system-connector.port';

export function toSystemPatch(body: unknown): SystemPatchOperation[] {
  return parsePatch(body).map((op, index): SystemPatchOperation => {
    if (!('value' in op)) {
      throw badRequest(`Patch operation ${index}: ${op.operation} is not supported on system objects`, {
        index,
      });
    }
    const [name, rest, ...more] = op.field;
    if (name === '_id') throw badRequest(`Patch operation ${index} targets _id, which cannot be modified`);
    if (more.length > 0 || (rest !== undefined && rest !== '-')) {
      throw badRequest(
        `Patch operation ${index}: system objects are flat; ${formatPointer(op.field)} is not a property`,
        { index },
      );
    }
    return op.value === undefined
      ? { operation: op.operation, field: formatPointer(op.field) }
      : { operation: op.operation, field: formatPointer(op.field), value: op.value };
  });
}
