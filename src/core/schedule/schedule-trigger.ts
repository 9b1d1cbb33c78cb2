import type { QuartzCron } from './quartz-cron';
import { nextCronFire } from './quartz-cron.next-fire';

/** When a schedule fires: a Quartz cron in a zone, or every `intervalMs` from `anchorMs` (OpenIDM `simple`). */
export type Trigger =
  | {
      readonly kind: 'cron';
      readonly cron: QuartzCron;
      readonly timeZone: string;
      readonly startMs?: number;
      readonly endMs?: number;
    }
  | {
      readonly kind: 'simple';
      readonly intervalMs: number;
      /**
       * First fire: `startTime`, else the Unix epoch, so that every node (and every restart) computes the
       * same fire instants without agreeing on when the schedule was created.
       */
      readonly anchorMs: number;
      /** Fires after the first; -1 = no limit (Quartz `repeatCount`). */
      readonly repeatCount: number;
      readonly endMs?: number;
    };

/** The first fire instant strictly after `afterMs`, or null when the trigger has no more fires. */
export function nextFireAfter(trigger: Trigger, afterMs: number): number | null {
  if (trigger.kind === 'simple') {
    const k =
      afterMs < trigger.anchorMs ? 0 : Math.floor((afterMs - trigger.anchorMs) / trigger.intervalMs) + 1;
    if (trigger.repeatCount >= 0 && k > trigger.repeatCount) return null;
    const at = trigger.anchorMs + k * trigger.intervalMs;
    return trigger.endMs !== undefined && at > trigger.endMs ? null : at;
  }
  const from = trigger.startMs !== undefined ? Math.max(afterMs, trigger.startMs - 1) : afterMs;
  const at = nextCronFire(trigger.cron, from, trigger.timeZone);
  if (at === null) return null;
  return trigger.endMs !== undefined && at > trigger.endMs ? null : at;
}

/** Most fire instants enumerated by `latestFireAtOrBefore` before it settles for the latest found. */
const ENUMERATION_LIMIT = 100_000;

/**
 * The latest fire instant in [notBeforeMs, atMs], or null when there is none: the instant a misfired
 * schedule fires "once now" under, so that every node names that single catch-up fire the same way.
 */
export function latestFireAtOrBefore(trigger: Trigger, atMs: number, notBeforeMs: number): number | null {
  if (atMs < notBeforeMs) return null;
  if (trigger.kind === 'simple') {
    if (atMs < trigger.anchorMs) return null;
    let k = Math.floor((atMs - trigger.anchorMs) / trigger.intervalMs);
    if (trigger.repeatCount >= 0) k = Math.min(k, trigger.repeatCount);
    let at = trigger.anchorMs + k * trigger.intervalMs;
    if (trigger.endMs !== undefined && at > trigger.endMs) {
      at =
        trigger.anchorMs +
        Math.floor((trigger.endMs - trigger.anchorMs) / trigger.intervalMs) * trigger.intervalMs;
    }
    return at >= notBeforeMs ? at : null;
  }
  // Cron fires cannot be counted backwards: enumerate forwards over a growing window that ends at `atMs`.
  let enumerated = 0;
  for (let window = 60_000; ; window *= 8) {
    const from = Math.max(notBeforeMs - 1, atMs - window);
    let latest: number | null = null;
    for (let at = nextFireAfter(trigger, from); at !== null && at <= atMs; at = nextFireAfter(trigger, at)) {
      latest = at;
      if (++enumerated >= ENUMERATION_LIMIT) return latest;
    }
    if (latest !== null || from <= notBeforeMs - 1) return latest;
  }
}
