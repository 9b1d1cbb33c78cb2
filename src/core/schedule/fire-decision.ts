import { latestFireAtOrBefore, nextFireAfter, type Trigger } from './schedule-trigger';

export type MisfirePolicy = 'fireAndProceed' | 'doNothing';

/** How late a fire may start and still count as on time (Quartz's default misfireThreshold, 60 s). */
export const DEFAULT_MISFIRE_THRESHOLD_MS = 60_000;

export interface FireFacts {
  readonly trigger: Trigger;
  readonly misfirePolicy: MisfirePolicy;
  readonly misfireThresholdMs: number;
  readonly nowMs: number;
  /** The fire instant this node has planned next (from the job's history when it was scheduled). */
  readonly plannedMs: number;
  /** The latest fire instant already claimed for this job (by any node, for a persisted job), if any. */
  readonly lastFiredMs: number | null;
}

export interface FireDecision {
  /** The fire instant to claim and run now, or null. */
  readonly fireMs: number | null;
  /** True when the due instant was older than the threshold and the misfire policy decided. */
  readonly misfired: boolean;
  /** The instant to plan next, or null when the trigger has no more fires. */
  readonly nextMs: number | null;
}

/**
 * What to do when the planned instant has come. A fire another node already claimed moves the plan past
 * it. A due instant older than the misfire threshold (the node was down, the job paused) is a misfire:
 * `fireAndProceed` fires once, under the latest missed instant, `doNothing` skips; both then continue
 * with the first instant after now. Otherwise the due instant fires, late or not.
 */
export function decideFire(facts: FireFacts): FireDecision {
  const { trigger, nowMs } = facts;
  const due =
    facts.lastFiredMs !== null && facts.lastFiredMs >= facts.plannedMs
      ? nextFireAfter(trigger, facts.lastFiredMs)
      : facts.plannedMs;
  if (due === null || due > nowMs) return { fireMs: null, misfired: false, nextMs: due };
  if (nowMs - due <= facts.misfireThresholdMs) {
    return { fireMs: due, misfired: false, nextMs: nextFireAfter(trigger, due) };
  }
  const nextMs = nextFireAfter(trigger, nowMs);
  if (facts.misfirePolicy === 'doNothing') return { fireMs: null, misfired: true, nextMs };
  return { fireMs: latestFireAtOrBefore(trigger, nowMs, due) ?? due, misfired: true, nextMs };
}
