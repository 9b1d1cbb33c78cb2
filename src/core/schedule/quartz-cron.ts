/**
 * A parsed Quartz cron expression (OpenIDM's `schedule` property): seconds first, an optional year last.
 * Day-of-week values are stored 0 = Sunday ... 6 = Saturday, whereas Quartz writes 1 = SUN ... 7 = SAT.
 * Exactly one of day-of-month and day-of-week restricts the day; the other is `?` in the text.
 */
export interface QuartzCron {
  readonly text: string;
  /** Sorted ascending. */
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** 1-12 */
  readonly months: readonly number[];
  /** Undefined when the year field is absent or `*`. */
  readonly years?: readonly number[];
  readonly days: DayRule;
}

export type DayRule =
  /** `1,15`, `1-5`, `*`, `1/7` in day-of-month. */
  | { readonly kind: 'monthDays'; readonly days: readonly number[] }
  /** `L` (offset 0) or `L-3` in day-of-month: the last day, or three days before it. */
  | { readonly kind: 'lastDayOfMonth'; readonly offset: number }
  /** `LW`: the last weekday (Monday-Friday) of the month. */
  | { readonly kind: 'lastWeekdayOfMonth' }
  /** `15W`: the weekday nearest the 15th, never crossing into another month. */
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  /** `MON-FRI`, `2,4`, `*` in day-of-week. */
  | { readonly kind: 'weekDays'; readonly days: readonly number[] }
  /** `6L` or `FRIL`: the last Friday of the month (`L` alone is the last Saturday, as in Quartz). */
  | { readonly kind: 'lastWeekDay'; readonly day: number }
  /** `6#3`: the third Friday of the month. */
  | { readonly kind: 'nthWeekDay'; readonly day: number; readonly nth: number };

/** Quartz accepts years up to 2099; fire-time search stops there. */
export const LAST_YEAR = 2099;

/** A cron expression that cannot be used; `message` says which field and why. */
export class CronExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`invalid Quartz cron expression ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'CronExpressionError';
  }
}
