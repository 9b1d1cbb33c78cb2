import { badRequest } from '../errors/domain-error';
import type { JsonObject, JsonValue } from '../../managed/managed-object';
import { jsonEqual } from '../json-equal';
import { formatPointer } from '../json-pointer/json-pointer';
import { parsePatch, type PatchOperation } from './patch.parser';
import { addAt, overwriteAt, readAt, removeAt } from './patch.pointer';

/**
 * Applies a CREST patch body to a managed object and returns the patched copy; `doc` is left untouched.
 * Semantics follow OpenIDM's JsonValuePatch (the code behind `PATCH /openidm/managed/...`):
 * - add: sets the field, creating missing parents; an existing value (array included) is replaced;
 *   `/field/-` appends to an array and `/field/<i>` inserts before element i;
 * - remove: without a value removes the field; with a value removes every equal array element (each
 *   element of an array value), or a single-valued field only when it equals the value; missing is a no-op;
 * - replace: removes then adds, so it adds when missing; a null or absent value just removes;
 * - increment: adds a number to a number or to every element of an array of numbers;
 * - move / copy: take the value at `from` (no-op when absent or null) and add it at `field`.
 * `_id` is immutable (BAD_REQUEST); `_rev` is metadata, so operations on it are ignored.
 */
export function applyPatch(doc: JsonObject, operations: unknown): JsonObject {
  const parsed = parsePatch(operations);
  const result = structuredClone(doc);
  parsed.forEach((operation, index) => {
    if (targetsMetadata(operation, '_id')) {
      throw badRequest(`Patch operation ${index} targets _id, which cannot be modified`, { index });
    }
    if (!targetsMetadata(operation, '_rev')) applyOne(result, operation);
  });
  return result;
}

function targetsMetadata(operation: PatchOperation, name: '_id' | '_rev'): boolean {
  if (operation.field[0] === name) return true;
  // Moving _id away would remove it as surely as patching it.
  return operation.operation === 'move' && operation.from[0] === name;
}

function applyOne(doc: JsonObject, operation: PatchOperation): void {
  switch (operation.operation) {
    case 'add':
      addAt(doc, operation.field, structuredClone(operation.value));
      return;
    case 'remove':
      remove(doc, operation.field, operation.value);
      return;
    case 'replace':
      removeAt(doc, operation.field);
      if (operation.value !== undefined && operation.value !== null) {
        addAt(doc, operation.field, structuredClone(operation.value));
      }
      return;
    case 'increment':
      increment(doc, operation.field, operation.value);
      return;
    case 'move':
    case 'copy':
      moveOrCopy(doc, operation.operation, operation.field, operation.from);
      return;
  }
}

function remove(doc: JsonObject, field: readonly string[], value: JsonValue | undefined): void {
  const current = readAt(doc, field);
  if (current === undefined || current === null) return;
  if (value === undefined || value === null) {
    removeAt(doc, field);
    return;
  }
  if (Array.isArray(current)) {
    const unwanted = Array.isArray(value) ? value : [value];
    const kept = current.filter((element) => !unwanted.some((u) => jsonEqual(element, u)));
    overwriteAt(doc, field, kept);
    return;
  }
  if (jsonEqual(current, value)) removeAt(doc, field);
}

function increment(doc: JsonObject, field: readonly string[], amount: number): void {
  const current = readAt(doc, field);
  const where = formatPointer(field);
  if (current === undefined) throw badRequest(`The field '${where}' does not exist`);
  if (typeof current === 'number') {
    overwriteAt(doc, field, current + amount);
    return;
  }
  if (Array.isArray(current) && current.every((element): element is number => typeof element === 'number')) {
    overwriteAt(
      doc,
      field,
      current.map((element) => element + amount),
    );
    return;
  }
  throw badRequest(`The field '${where}' is not a number`);
}

function moveOrCopy(
  doc: JsonObject,
  kind: 'move' | 'copy',
  field: readonly string[],
  from: readonly string[],
): void {
  const value = readAt(doc, from);
  if (value === undefined || value === null) return;
  if (kind === 'move') {
    if (from.length < field.length && from.every((token, i) => token === field[i])) {
      throw badRequest(`Cannot move ${formatPointer(from)} into its own child ${formatPointer(field)}`);
    }
    removeAt(doc, from);
  }
  addAt(doc, field, kind === 'copy' ? structuredClone(value) : value);
}
