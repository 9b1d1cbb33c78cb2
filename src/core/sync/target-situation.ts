import type { Assessment } from './situation';

/**
 * What the recon target phase knows about a target that no source claimed, for one link qualifier
 * (§2.4). Gather lazily with `missingTargetFact`: validity first, then the link, then a fresh read of the
 * linked source (not a lookup in the source id set).
 */
export interface TargetFacts {
  /** `validTarget` of the target (true when not configured). */
  readonly targetValid: boolean;
  /** The source id of the link (linkType, qualifier, targetId), or null. Needed when the target is valid. */
  readonly linkedSourceId?: string | null;
  /** Whether reading the linked source found it. Needed when linked. */
  readonly linkedSourceExists?: boolean;
  /** `validSource` of the linked source. Needed when it exists. */
  readonly sourceValid?: boolean;
}

export type TargetFact = 'linkedSourceId' | 'linkedSourceExists' | 'sourceValid';

export interface TargetAssessment extends Assessment {
  /** The linked source's id, when there is a link. */
  readonly sourceId?: string;
}

export function missingTargetFact(facts: TargetFacts): TargetFact | undefined {
  if (!facts.targetValid) return undefined;
  if (facts.linkedSourceId === undefined) return 'linkedSourceId';
  if (facts.linkedSourceId === null) return undefined;
  if (facts.linkedSourceExists === undefined) return 'linkedSourceExists';
  return facts.linkedSourceExists && facts.sourceValid === undefined ? 'sourceValid' : undefined;
}

/**
 * OpenIDM's `TargetSyncOperation.assessSituation` (edge case §12.2 #4): TARGET_IGNORED before any link
 * check; unlinked ⇒ UNASSIGNED; linked to a vanished source ⇒ SOURCE_MISSING; to an invalid one ⇒
 * UNQUALIFIED; otherwise CONFIRMED (the source changed since its own phase).
 */
export function assessTargetSituation(facts: TargetFacts): TargetAssessment {
  const missing = missingTargetFact(facts);
  if (missing !== undefined) throw new Error(`assessTargetSituation: fact "${missing}" not gathered`);
  if (!facts.targetValid) return { situation: 'TARGET_IGNORED' };
  const sourceId = facts.linkedSourceId;
  if (sourceId === null || sourceId === undefined) return { situation: 'UNASSIGNED' };
  if (!facts.linkedSourceExists) return { situation: 'SOURCE_MISSING', sourceId };
  return { situation: facts.sourceValid ? 'CONFIRMED' : 'UNQUALIFIED', sourceId };
}
