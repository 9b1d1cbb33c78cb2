import { badRequest, DomainError } from '../errors/domain-error';
import { parsePointer } from '../json-pointer/json-pointer';
import type { JsonValue } from '../../managed/managed-object';

/** The CREST patch operations Concord applies (`transform` is refused when the body is parsed). */
export type PatchOperationType = 'add' | 'remove' | 'replace' | 'increment' | 'move' | 'copy';

/** One validated operation of a CREST patch body; pointers are already split into tokens. */
export type PatchOperation =
  | { readonly operation: 'add'; readonly field: readonly string[]; readonly value: JsonValue }
  | { readonly operation: 'remove'; readonly field: readonly string[]; readonly value: JsonValue | undefined }
  | {
      readonly operation: 'replace';
      readonly field: readonly string[];
      readonly value: JsonValue | undefined;
    }
  | { readonly operation: 'increment'; readonly field: readonly string[]; readonly value: number }
  | {
      readonly operation: 'move' | 'copy';
      readonly field: readonly string[];
      readonly from: readonly string[];
    };

const OPERATION_TYPES: readonly string[] = ['add', 'remove', 'replace', 'increment', 'move', 'copy'];

// CREST's own wording (PatchOperation.valueOf/valueOfList), so clients matching on messages keep working.
const NOT_A_LIST =
  'The request could not be processed because the provided content is not a JSON array of patch operations';
const NOT_A_PATCH =
  'The request could not be processed because the provided content is not a valid JSON patch';

/**
 * Validates a CREST patch body: a JSON array of `{operation, field, value?, from?}`. Operation names are
 * case-insensitive as in CREST. Every rejection is a BAD_REQUEST whose detail names the offending index.
 */
export function parsePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw badRequest(NOT_A_LIST);
  return body.map((item: unknown, index) => parseOperation(item, index));
}

function parseOperation(item: unknown, index: number): PatchOperation {
  const fail = (reason: string): never => {
    throw badRequest(`${NOT_A_PATCH}: operation ${index}: ${reason}`, { index, reason });
  };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail('expected a JSON object');
  const op = item as Record<string, unknown>;
  if (typeof op.operation !== 'string') return fail("'operation' is required and must be a string");
  if (typeof op.field !== 'string') return fail("'field' is required and must be a string");
  const pointer = (text: string, member: 'field' | 'from'): string[] => {
    try {
      return parsePointer(text);
    } catch (error) {
      if (error instanceof DomainError) return fail(`'${member}': ${error.message}`);
      throw error;
    }
  };
  const type = op.operation.toLowerCase();
  const field = pointer(op.field, 'field');
  const value = op.value as JsonValue | undefined;

  if (type === 'transform') return fail('transform patch operations are not supported over REST');
  if (!OPERATION_TYPES.includes(type)) return fail(`invalid patch operation type ${op.operation}`);
  if (field.length === 0) return fail('the whole object cannot be the target of a patch operation');

  switch (type as PatchOperationType) {
    case 'add':
      if (value === undefined || value === null) return fail('no value provided for add patch operation');
      return { operation: 'add', field, value };
    case 'remove':
    case 'replace':
      return { operation: type as 'remove' | 'replace', field, value };
    case 'increment':
      if (value === undefined || value === null)
        return fail('no value provided for increment patch operation');
      if (typeof value !== 'number') return fail('non-numeric value provided for increment patch operation');
      return { operation: 'increment', field, value };
    case 'move':
    case 'copy': {
      if (typeof op.from !== 'string') return fail(`'from' is required for ${type} and must be a string`);
      const from = pointer(op.from, 'from');
      if (from.length === 0) return fail(`'from' of ${type} cannot be the whole object`);
      return { operation: type as 'move' | 'copy', field, from };
    }
  }
}
