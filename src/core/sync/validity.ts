import type { MaybePromise } from '../maybe-promise';
import {
  conditionHolds,
  conditionHoldsNow,
  requireBoolean,
  type EvaluateScript,
  type JsonObject,
} from './script';
import type { Mapping } from './sync-config.types';

/**
 * `validSource` and `sourceCondition` together decide whether a source takes part (§2.2). validSource
 * must return a boolean (else this entry fails, §12.2 #9); sourceCondition is a filter over
 * `{source, linkQualifier}` or a script whose non-true result means "not valid".
 */
export async function isSourceValid(
  mapping: Mapping,
  source: JsonObject,
  linkQualifier: string,
  evaluate: EvaluateScript,
): Promise<boolean> {
  if (mapping.validSource !== undefined) {
    const value = await evaluate(mapping.validSource, { source, linkQualifier });
    if (!requireBoolean(value, mapping.validSource, 'validSource')) return false;
  }
  return conditionHolds(mapping.sourceCondition, { source, linkQualifier }, evaluate);
}

/** `isSourceValid` without a promise when no validSource script runs and the sourceCondition answers at once. */
export function isSourceValidNowOrLater(
  mapping: Mapping,
  source: JsonObject,
  linkQualifier: string,
  evaluate: EvaluateScript,
): MaybePromise<boolean> {
  if (mapping.validSource !== undefined) return isSourceValid(mapping, source, linkQualifier, evaluate);
  const scope = { source, linkQualifier };
  return (
    conditionHoldsNow(mapping.sourceCondition, scope, evaluate) ??
    conditionHolds(mapping.sourceCondition, scope, evaluate)
  );
}

/** `validTarget` (§2.3, §2.4): true when not configured; must return a boolean. */
export async function isTargetValid(
  mapping: Mapping,
  target: JsonObject,
  linkQualifier: string,
  evaluate: EvaluateScript,
): Promise<boolean> {
  if (mapping.validTarget === undefined) return true;
  const value = await evaluate(mapping.validTarget, { target, linkQualifier });
  return requireBoolean(value, mapping.validTarget, 'validTarget');
}
