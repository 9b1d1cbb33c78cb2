import type { Action } from './action';

/**
 * The 13 situations of OpenIDM's `Situation` enum. Which ones each assessment can produce:
 * source phase and implicit sync (source-situation.ts), deleted source (deleted-source-situation.ts),
 * target phase (target-situation.ts).
 */
export const SITUATIONS = [
  'CONFIRMED',
  'FOUND',
  'FOUND_ALREADY_LINKED',
  'ABSENT',
  'AMBIGUOUS',
  'MISSING',
  'UNQUALIFIED',
  'SOURCE_IGNORED',
  'TARGET_IGNORED',
  'UNASSIGNED',
  'SOURCE_MISSING',
  'LINK_ONLY',
  'ALL_GONE',
] as const;

export type Situation = (typeof SITUATIONS)[number];

const SITUATION_SET: ReadonlySet<string> = new Set(SITUATIONS);

export function isSituation(name: unknown): name is Situation {
  return typeof name === 'string' && SITUATION_SET.has(name);
}

/**
 * The action taken when no policy of the mapping matches: the constructor arguments of OpenIDM's
 * `Situation` enum (its code, not its documentation, which says IGNORE for the three REPORT/NOREPORT rows).
 */
export const DEFAULT_ACTIONS: Readonly<Record<Situation, Action>> = {
  CONFIRMED: 'UPDATE',
  FOUND: 'UPDATE',
  FOUND_ALREADY_LINKED: 'EXCEPTION',
  ABSENT: 'CREATE',
  AMBIGUOUS: 'EXCEPTION',
  MISSING: 'EXCEPTION',
  UNQUALIFIED: 'DELETE',
  SOURCE_IGNORED: 'REPORT',
  TARGET_IGNORED: 'REPORT',
  UNASSIGNED: 'EXCEPTION',
  SOURCE_MISSING: 'EXCEPTION',
  LINK_ONLY: 'EXCEPTION',
  ALL_GONE: 'NOREPORT',
};

/**
 * The keys of a recon summary's `situationSummary`, in OpenIDM's order: every situation a recon can meet
 * (LINK_ONLY and ALL_GONE arise only from a deleted source, which recon never sees).
 */
export const SUMMARY_SITUATIONS = [
  'CONFIRMED',
  'FOUND',
  'ABSENT',
  'AMBIGUOUS',
  'MISSING',
  'UNQUALIFIED',
  'UNASSIGNED',
  'SOURCE_MISSING',
  'SOURCE_IGNORED',
  'TARGET_IGNORED',
  'FOUND_ALREADY_LINKED',
] as const satisfies readonly Situation[];

export type SummarySituation = (typeof SUMMARY_SITUATIONS)[number];

/** A situation summary with every one of the 11 keys at zero. */
export function emptySituationSummary(): Record<SummarySituation, number> {
  return Object.fromEntries(SUMMARY_SITUATIONS.map((s) => [s, 0])) as Record<SummarySituation, number>;
}

/** What an assessment concludes: the situation and the target it is about, if any. */
export interface Assessment {
  readonly situation: Situation;
  /** The linked or the single correlated target's id (local, unqualified). */
  readonly targetId?: string;
  /** Every candidate of an ambiguous correlation (AMBIGUOUS, or UNQUALIFIED with several matches). */
  readonly ambiguousTargetIds?: readonly string[];
}

/**
 * Targets a source-phase operation "claims": the recon target phase then skips them, so an ambiguous
 * candidate is not reported UNASSIGNED as well (edge case §12.2 #1).
 */
export function claimedTargetIds(assessment: Assessment): string[] {
  const claimed = assessment.targetId === undefined ? [] : [assessment.targetId];
  return [...claimed, ...(assessment.ambiguousTargetIds ?? [])];
}
