import { DomainError } from '../errors/domain-error';
import type { MaybePromise } from '../maybe-promise';
import { describe, type EvaluateScript, type JsonObject } from './script';
import type { Mapping } from './sync-config.types';

export interface LinkQualifierScope {
  /** The source object; null when unknown (target phase, deleted source). */
  readonly object: JsonObject | null;
  readonly oldValue: JsonObject | null;
  /** The target phase asks for every qualifier: scripts must then return all of them. */
  readonly returnAll: boolean;
}

/** `linkQualifiersFor` without a promise for a static list, the usual case. */
export function linkQualifiersNowOrLater(
  mapping: Mapping,
  scope: LinkQualifierScope,
  evaluate: EvaluateScript,
): MaybePromise<readonly string[]> {
  const qualifiers = mapping.linkQualifiers;
  return qualifiers.kind === 'static' ? qualifiers.names : linkQualifiersFor(mapping, scope, evaluate);
}

/**
 * The link qualifiers an operation runs for (§1.5): the static list (default `["default"]`) or the
 * script's answer, which must be an array of non-empty strings (duplicates dropped).
 */
export async function linkQualifiersFor(
  mapping: Mapping,
  scope: LinkQualifierScope,
  evaluate: EvaluateScript,
): Promise<readonly string[]> {
  const qualifiers = mapping.linkQualifiers;
  if (qualifiers.kind === 'static') return qualifiers.names;
  const result = await evaluate(qualifiers.script, { mapping: mapping.name, ...scope });
  if (Array.isArray(result) && result.every((name) => typeof name === 'string' && name !== '')) {
    return [...new Set(result as string[])];
  }
  throw new DomainError(
    'CONFLICT',
    `linkQualifiers script must return an array of names, got ${describe(result)} (${qualifiers.script.where})`,
    { script: qualifiers.script.where },
  );
}
