import type { Assessment } from './situation';

/**
 * Correlation outcome: the ids of the candidate targets, or null when no correlation is configured for
 * the link qualifier or it was skipped (empty target set at recon start, §12.2 #8).
 */
export type CorrelationOutcome = readonly string[] | null;

/**
 * What the engine knows about a present source object for one link qualifier (§2.2). Facts are gathered
 * lazily, in OpenIDM's order: ask `missingSourceFact` which one is needed next, fetch it, repeat; only
 * then call `assessSourceSituation`. That keeps correlation from running for linked sources.
 */
export interface SourceFacts {
  /** The target id of the link (linkType, qualifier, sourceId), or null when there is none. */
  readonly linkedTargetId: string | null;
  /** `validSource` and `sourceCondition` both hold. */
  readonly valid: boolean;
  /** Whether the linked target exists. Needed when linked and valid. */
  readonly linkedTargetExists?: boolean;
  /** Needed when not linked. */
  readonly correlation?: CorrelationOutcome;
  /** Whether the single correlated target already has a link of this type and qualifier. Needed then. */
  readonly correlatedTargetLinked?: boolean;
}

export type SourceFact = 'linkedTargetExists' | 'correlation' | 'correlatedTargetLinked';

export function missingSourceFact(facts: SourceFacts): SourceFact | undefined {
  if (facts.linkedTargetId !== null) {
    return facts.valid && facts.linkedTargetExists === undefined ? 'linkedTargetExists' : undefined;
  }
  if (facts.correlation === undefined) return 'correlation';
  if (facts.valid && facts.correlation?.length === 1 && facts.correlatedTargetLinked === undefined) {
    return 'correlatedTargetLinked';
  }
  return undefined;
}

/**
 * OpenIDM's `SourceSyncOperation.assessSituation` for a present source: validity first, then the link,
 * then correlation. An invalid source that is linked (or correlates) is UNQUALIFIED whatever the target.
 */
export function assessSourceSituation(facts: SourceFacts): Assessment {
  const missing = missingSourceFact(facts);
  if (missing !== undefined) throw new Error(`assessSourceSituation: fact "${missing}" not gathered`);
  const linked = facts.linkedTargetId;
  if (linked !== null) {
    if (!facts.valid) return { situation: 'UNQUALIFIED', targetId: linked };
    return { situation: facts.linkedTargetExists ? 'CONFIRMED' : 'MISSING', targetId: linked };
  }
  const candidates = facts.correlation ?? [];
  if (facts.valid) {
    if (candidates.length === 0) return { situation: 'ABSENT' };
    if (candidates.length > 1) return { situation: 'AMBIGUOUS', ambiguousTargetIds: [...candidates] };
    const [only] = candidates as [string];
    return { situation: facts.correlatedTargetLinked ? 'FOUND_ALREADY_LINKED' : 'FOUND', targetId: only };
  }
  if (candidates.length === 0) return { situation: 'SOURCE_IGNORED' };
  if (candidates.length > 1) return { situation: 'UNQUALIFIED', ambiguousTargetIds: [...candidates] };
  return { situation: 'UNQUALIFIED', targetId: candidates[0] };
}
