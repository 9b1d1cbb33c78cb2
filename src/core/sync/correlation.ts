import { DomainError } from '../errors/domain-error';
import { isPlainObject } from '../json-pointer/json-pointer';
import { describe, type JsonObject, type ScriptSpec } from './script';
import type { Mapping } from './sync-config.types';

/** The correlation to run for a link qualifier, if any (§1.1 `correlationQuery`/`correlationScript`). */
export type CorrelationStep =
  /** Run the script (variables `source`, `linkQualifier`), turn its result into query params with
   *  `correlationQueryParams`, query the target set, then read the candidates with `correlationCandidates`. */
  | { readonly kind: 'query'; readonly script: ScriptSpec }
  /** Run the script (same variables); it returns the candidates itself. */
  | { readonly kind: 'script'; readonly script: ScriptSpec };

/**
 * Which correlation applies, or undefined ⇒ the correlation outcome is null (ABSENT / SOURCE_IGNORED).
 * A correlation query entry without `linkQualifier` serves `default`. When the recon's target id set was
 * empty at the start, correlation is skipped unless `correlateEmptyTargetSet` (§12.2 #8); pass
 * `targetSetKnownEmpty: false` outside recon and for reconById, which never take that shortcut.
 */
export function correlationFor(
  mapping: Mapping,
  linkQualifier: string,
  targetSetKnownEmpty: boolean,
): CorrelationStep | undefined {
  const correlation = mapping.correlation;
  if (correlation === undefined) return undefined;
  if (targetSetKnownEmpty && !mapping.correlateEmptyTargetSet) return undefined;
  if (correlation.kind === 'script') return { kind: 'script', script: correlation.script };
  const script = correlation.byQualifier.get(linkQualifier);
  return script === undefined ? undefined : { kind: 'query', script };
}

const QUERY_KINDS = ['_queryFilter', '_queryId', '_queryExpression'];

/**
 * The query parameters a correlation query script returned (`{"_queryFilter": "..."}`,
 * `{"_queryId": "for-userName", "uid": "..."}` or `{"_queryExpression": "..."}`; the `_` may be left out).
 */
export function correlationQueryParams(result: unknown, script: ScriptSpec): Record<string, unknown> {
  if (isPlainObject(result)) {
    const params: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(result)) {
      params[QUERY_KINDS.includes(`_${key}`) || key === 'fields' ? `_${key}` : key] = value;
    }
    if (QUERY_KINDS.some((kind) => typeof params[kind] === 'string')) return params;
  }
  throw new DomainError(
    'CONFLICT',
    `Correlation query must return query parameters such as {"_queryFilter": "..."}, got ${describe(result)} (${script.where})`,
    { script: script.where },
  );
}

export interface CorrelationCandidates {
  /** Candidate target ids in result order; the length decides FOUND / AMBIGUOUS / ABSENT. */
  readonly ids: readonly string[];
  /** Candidates returned as whole objects (any key not starting with `_`): no re-read needed. */
  readonly objects: ReadonlyMap<string, JsonObject>;
}

/** Reads a correlation result: the `result` array of a query response, or a correlation script's array. */
export function correlationCandidates(result: unknown, script: ScriptSpec): CorrelationCandidates {
  const list = isPlainObject(result) && Array.isArray(result['result']) ? result['result'] : result;
  if (!Array.isArray(list)) {
    throw new DomainError(
      'CONFLICT',
      `Correlation must produce a list of target objects, got ${describe(list)} (${script.where})`,
      { script: script.where },
    );
  }
  const ids: string[] = [];
  const objects = new Map<string, JsonObject>();
  for (const entry of list as unknown[]) {
    const id = isPlainObject(entry) ? entry['_id'] : undefined;
    if (typeof id !== 'string') {
      throw new DomainError(
        'CONFLICT',
        `Correlation result entries must be objects with an "_id" string, got ${describe(entry)} (${script.where})`,
        { script: script.where },
      );
    }
    if (ids.includes(id)) continue;
    ids.push(id);
    if (isFullObject(entry as JsonObject)) objects.set(id, entry as JsonObject);
  }
  return { ids, objects };
}

/** OpenIDM's test for a correlation result that carries the object rather than just its id. */
export function isFullObject(entry: JsonObject): boolean {
  return Object.keys(entry).some((key) => !key.startsWith('_'));
}

/**
 * OpenIDM's auto-detection of a recon query that returns complete objects (cache them, skip reads):
 * an entry with more than two keys besides `_id` and `_rev`.
 */
export function isFullEntry(entry: JsonObject): boolean {
  return Object.keys(entry).filter((key) => key !== '_id' && key !== '_rev').length > 2;
}
