import { DomainError } from '../errors/domain-error';
import { andThen, type MaybePromise } from '../maybe-promise';
import { jsonEqual } from '../json-equal';
import { formatPointer, getAt, isPlainObject } from '../json-pointer/json-pointer';
import { conditionHolds, conditionHoldsNow, type EvaluateScript, type JsonObject } from './script';
import type { PropertyMapping } from './sync-config.types';

/** What property conditions and transforms may see besides the target being built. */
export interface PropertyMappingContext {
  /** The full source object (`object` in conditions). */
  readonly source: JsonObject;
  readonly linkQualifier: string;
  /** The source before the change; implicit sync only. */
  readonly oldSource?: JsonObject | null;
}

/** CREATE: the properties applied, in order, onto `{}` (§1.3). `target: "_id"` sets a client-assigned id. */
export async function mapForCreate(
  properties: readonly PropertyMapping[],
  context: PropertyMappingContext,
  evaluate: EvaluateScript,
): Promise<JsonObject> {
  return mapForCreateNowOrLater(properties, context, evaluate);
}

/** `mapForCreate` without a promise while every script answers at once (EvaluateScript.now). */
export function mapForCreateNowOrLater(
  properties: readonly PropertyMapping[],
  context: PropertyMappingContext,
  evaluate: EvaluateScript,
): MaybePromise<JsonObject> {
  return applyProperties(properties, {}, context, undefined, evaluate);
}

/**
 * UPDATE: the properties applied onto a copy of the full existing target, so unmapped attributes stay
 * (§1.3). Conditions see the existing target as `oldTarget`. A mapping that changes `_id` is an error
 * ("target '_id' has changed"); ids are immutable.
 */
export async function mapForUpdate(
  properties: readonly PropertyMapping[],
  existingTarget: JsonObject,
  context: PropertyMappingContext,
  evaluate: EvaluateScript,
): Promise<JsonObject> {
  return mapForUpdateNowOrLater(properties, existingTarget, context, evaluate);
}

/** `mapForUpdate` without a promise while every script answers at once (EvaluateScript.now). */
export function mapForUpdateNowOrLater(
  properties: readonly PropertyMapping[],
  existingTarget: JsonObject,
  context: PropertyMappingContext,
  evaluate: EvaluateScript,
): MaybePromise<JsonObject> {
  // Only conditions see `oldTarget`; without any, the one copy being mapped is enough.
  const conditioned = properties.some((property) => property.condition !== undefined);
  const oldTarget = conditioned ? jsonClone(existingTarget) : undefined;
  const mapped = applyProperties(properties, jsonClone(existingTarget), context, oldTarget, evaluate);
  return andThen(mapped, (target) => {
    if (existingTarget['_id'] !== undefined && target['_id'] !== existingTarget['_id']) {
      throw new DomainError('CONFLICT', "target '_id' has changed", {
        before: existingTarget['_id'],
        after: target['_id'],
      });
    }
    return target;
  });
}

/**
 * Whether `mapForUpdate` would give back `existingTarget` unchanged, answered without copying it: true only
 * when every property is a plain copy (no condition, no transform, a top-level target) whose value (or
 * `default`) already equals the target's. False means "map it and compare" (also when unsure). A recon
 * of an unchanged source set asks this for every entry, so the answer must be cheaper than the mapping.
 */
export function leavesTargetUnchanged(
  properties: readonly PropertyMapping[],
  existingTarget: JsonObject,
  source: JsonObject,
): boolean {
  for (const property of properties) {
    if (property.condition !== undefined || property.transform !== undefined) return false;
    const [key, ...deeper] = property.target;
    if (key === undefined || deeper.length > 0) return false;
    let value: unknown = property.source === undefined ? null : (getAt(source, property.source) ?? null);
    if (value === null && property.default !== undefined) value = property.default;
    if (!jsonEqual(existingTarget[key], jsonClone(value))) return false;
  }
  return true;
}

/**
 * OpenIDM's `PropertyMapping.apply`, per property in array order:
 * 1. `condition` false (or not exactly true) ⇒ skip the property, leaving the target untouched;
 * 2. value = source at the `source` pointer (`""` = whole source; no `source` key or missing ⇒ null);
 * 3. `transform` sees that value as `source` and returns the new value;
 * 4. null ⇒ `default`, itself null when not configured;
 * 5. the value is written at the `target` pointer, null included: a mapped attribute missing in the source
 *    clears it in the target (§12.2 #9).
 */
function applyProperties(
  properties: readonly PropertyMapping[],
  target: JsonObject,
  context: PropertyMappingContext,
  oldTarget: JsonObject | undefined,
  evaluate: EvaluateScript,
  from = 0,
): JsonObject | Promise<JsonObject> {
  for (let i = from; i < properties.length; i++) {
    const waiting = applyProperty(properties[i] as PropertyMapping, target, context, oldTarget, evaluate);
    // Synchronous while scripts answer at once (EvaluateScript.now); the rest waits for the one that did not.
    if (waiting !== undefined) {
      return waiting.then(() => applyProperties(properties, target, context, oldTarget, evaluate, i + 1));
    }
  }
  return target;
}

/** One property of `applyProperties`; a promise only when a script of it had to wait. */
function applyProperty(
  property: PropertyMapping,
  target: JsonObject,
  context: PropertyMappingContext,
  oldTarget: JsonObject | undefined,
  evaluate: EvaluateScript,
): Promise<void> | undefined {
  if (property.condition === undefined) return writeProperty(property, target, context, evaluate);
  const scope: JsonObject = { object: context.source, target, linkQualifier: context.linkQualifier };
  if (context.oldSource !== undefined) scope['oldSource'] = context.oldSource;
  if (oldTarget !== undefined) scope['oldTarget'] = oldTarget;
  const holds = conditionHoldsNow(property.condition, scope, evaluate);
  if (holds === undefined) {
    return conditionHolds(property.condition, scope, evaluate).then((later) =>
      later ? writeProperty(property, target, context, evaluate) : undefined,
    );
  }
  return holds ? writeProperty(property, target, context, evaluate) : undefined;
}

/** Steps 2–5 of `applyProperties` for a property whose condition holds. */
function writeProperty(
  property: PropertyMapping,
  target: JsonObject,
  context: PropertyMappingContext,
  evaluate: EvaluateScript,
): Promise<void> | undefined {
  const value: unknown =
    property.source === undefined ? null : (getAt(context.source, property.source) ?? null);
  if (property.transform === undefined) return settleProperty(property, target, value);
  const variables = { source: value, linkQualifier: context.linkQualifier };
  const answer = evaluate.now?.(property.transform, variables);
  if (answer !== undefined) return settleProperty(property, target, answer.value ?? null);
  return evaluate(property.transform, variables).then((later) =>
    settleProperty(property, target, later ?? null),
  );
}

function settleProperty(property: PropertyMapping, target: JsonObject, value: unknown): undefined {
  setAt(
    target,
    property.target,
    jsonClone(value === null && property.default !== undefined ? property.default : value),
    property.where,
  );
  return undefined;
}

/** Writes `value` at `pointer`, creating intermediate objects; the root is refused at config load. */
export function setAt(doc: JsonObject, pointer: readonly string[], value: unknown, where = ''): void {
  let parent: unknown = doc;
  for (let i = 0; i < pointer.length - 1; i++) {
    const token = pointer[i] as string;
    const container = parent as JsonObject | unknown[];
    let next = Array.isArray(container) ? container[Number(token)] : container[token];
    if (next === undefined || next === null) {
      next = {};
      if (Array.isArray(container)) container[arrayIndex(container, token, pointer, where)] = next;
      else container[token] = next;
    } else if (typeof next !== 'object') {
      throw cannotWrite(pointer, i, where);
    }
    parent = next;
  }
  const last = pointer[pointer.length - 1] as string;
  if (Array.isArray(parent)) parent[arrayIndex(parent, last, pointer, where)] = value;
  else if (isPlainObject(parent)) parent[last] = value;
}

function arrayIndex(array: unknown[], token: string, pointer: readonly string[], where: string): number {
  if (token === '-') return array.length;
  if (/^(0|[1-9][0-9]*)$/.test(token) && Number(token) <= array.length) return Number(token);
  throw cannotWrite(pointer, pointer.indexOf(token), where);
}

function cannotWrite(pointer: readonly string[], step: number, where: string): DomainError {
  const parent = formatPointer(pointer.slice(0, step + 1));
  return new DomainError(
    'CONFLICT',
    `Cannot write target property ${formatPointer(pointer)}: ${parent} is not an object (${where})`,
    { property: formatPointer(pointer), where },
  );
}

/**
 * A deep copy of JSON data, as a JSON round trip would make it (undefined members dropped, undefined array
 * items and non-finite numbers as null), walked directly: several times faster than stringify and parse,
 * and recon copies mapped values for every entry.
 */
export function jsonClone<T>(value: T): T {
  return value === undefined || value === null || typeof value !== 'object' ? value : (copyJson(value) as T);
}

function copyJson(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value));
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : copyJson(item),
    );
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    // JSON.parse makes "__proto__" an own member; assigning it would set the copy's prototype instead.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: copyJson(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else copy[key] = copyJson(item);
  }
  return copy;
}
