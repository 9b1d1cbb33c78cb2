import type { Assessment } from './situation';
import type { CorrelationOutcome } from './source-situation';

/**
 * What the engine knows when a source object was deleted (implicit delete, liveSync DELETE delta), for one
 * link qualifier (§2.3). Gather lazily with `missingDeletedSourceFact`, as for a present source.
 */
export interface DeletedSourceFacts {
  /** The target id of the link of the deleted source, or null. */
  readonly linkedTargetId: string | null;
  /** Needed when linked. */
  readonly linkedTargetExists?: boolean;
  /** `validTarget` of the linked target. Needed when linked and the target exists. */
  readonly targetValid?: boolean;
  /** Whether the deleted object's last value is known. LiveSync deletes never carry it. */
  readonly oldValuePresent: boolean;
  /** Correlation of the old value. Needed when not linked and the old value is present. */
  readonly correlation?: CorrelationOutcome;
  /** `validSource` of the old value. Needed when its correlation found candidates. */
  readonly oldValueValid?: boolean;
}

export type DeletedSourceFact = 'linkedTargetExists' | 'targetValid' | 'correlation' | 'oldValueValid';

export function missingDeletedSourceFact(facts: DeletedSourceFacts): DeletedSourceFact | undefined {
  if (facts.linkedTargetId !== null) {
    if (facts.linkedTargetExists === undefined) return 'linkedTargetExists';
    return facts.linkedTargetExists && facts.targetValid === undefined ? 'targetValid' : undefined;
  }
  if (!facts.oldValuePresent) return undefined;
  if (facts.correlation === undefined) return 'correlation';
  if ((facts.correlation?.length ?? 0) > 0 && facts.oldValueValid === undefined) return 'oldValueValid';
  return undefined;
}

/**
 * OpenIDM's assessment of a source that is gone (§2.3; edge case §12.2 #3). Without a link and without
 * an old value there is nothing to look for: ALL_GONE (NOREPORT by default).
 */
export function assessDeletedSourceSituation(facts: DeletedSourceFacts): Assessment {
  const missing = missingDeletedSourceFact(facts);
  if (missing !== undefined) throw new Error(`assessDeletedSourceSituation: fact "${missing}" not gathered`);
  const linked = facts.linkedTargetId;
  if (linked !== null) {
    if (!facts.linkedTargetExists) return { situation: 'LINK_ONLY', targetId: linked };
    return { situation: facts.targetValid ? 'SOURCE_MISSING' : 'TARGET_IGNORED', targetId: linked };
  }
  const candidates = facts.oldValuePresent ? (facts.correlation ?? []) : [];
  if (candidates.length === 0) return { situation: 'ALL_GONE' };
  if (candidates.length === 1) {
    return {
      situation: facts.oldValueValid ? 'UNASSIGNED' : 'TARGET_IGNORED',
      targetId: candidates[0],
    };
  }
  return {
    situation: facts.oldValueValid ? 'AMBIGUOUS' : 'UNQUALIFIED',
    ambiguousTargetIds: [...candidates],
  };
}
