import { LAST_YEAR, type DayRule, type QuartzCron } from './quartz-cron';
import { daysInMonth, instantOf, utcWall, wallMs, wallTimeAt, weekdayOf, type WallTime } from './zoned-time';

/**
 * The first fire instant of `cron` strictly after `afterMs`, in epoch ms, fields read on the wall clock
 * of `zone`; null when it never fires again (a year list in the past, 30 February).
 */
export function nextCronFire(cron: QuartzCron, afterMs: number, zone: string): number | null {
  let wall = wallTimeAt(Math.floor(afterMs / 1000) * 1000 + 1000, zone);
  // A wall time repeated when clocks go back maps to its first instant, which may not be after `afterMs`:
  // keep searching from the next wall second (a bounded number of times: one repeated hour at most).
  for (let attempt = 0; attempt < 4000; attempt++) {
    const match = nextWallMatch(cron, wall);
    if (match === null) return null;
    const instant = instantOf(match, zone);
    if (instant > afterMs) return instant;
    wall = utcWall(wallMs(match) + 1000);
  }
  return null;
}

/** The first wall time at or after `from` that every field accepts. */
export function nextWallMatch(cron: QuartzCron, from: WallTime): WallTime | null {
  let { year, month, day, hour, minute, second } = from;
  const nextMonth = (): void => {
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
    day = 1;
    hour = minute = second = 0;
  };
  // Each pass moves forward by at least one field step; 150 years of months and days bound it.
  for (let pass = 0; pass < 200_000; pass++) {
    if (year > LAST_YEAR) return null;
    if (cron.years !== undefined && !cron.years.includes(year)) {
      const nextYear = cron.years.find((y) => y > year);
      if (nextYear === undefined) return null;
      year = nextYear;
      month = day = 1;
      hour = minute = second = 0;
      continue;
    }
    const m = atOrAfter(cron.months, month);
    if (m === undefined) {
      month = 12;
      nextMonth();
      continue;
    }
    if (m !== month) {
      month = m;
      day = 1;
      hour = minute = second = 0;
    }
    const d = matchingDay(cron.days, year, month, day);
    if (d === undefined) {
      nextMonth();
      continue;
    }
    if (d !== day) {
      day = d;
      hour = minute = second = 0;
    }
    const h = atOrAfter(cron.hours, hour);
    if (h === undefined) {
      day++;
      hour = minute = second = 0;
      continue;
    }
    if (h !== hour) {
      hour = h;
      minute = second = 0;
    }
    const mi = atOrAfter(cron.minutes, minute);
    if (mi === undefined) {
      hour++;
      minute = second = 0;
      continue;
    }
    if (mi !== minute) {
      minute = mi;
      second = 0;
    }
    const s = atOrAfter(cron.seconds, second);
    if (s === undefined) {
      minute++;
      second = 0;
      continue;
    }
    return { year, month, day, hour, minute, second: s };
  }
  return null;
}

function atOrAfter(sorted: readonly number[], value: number): number | undefined {
  return sorted.find((v) => v >= value);
}

function matchingDay(rule: DayRule, year: number, month: number, from: number): number | undefined {
  const last = daysInMonth(year, month);
  for (let day = from; day <= last; day++) {
    if (dayMatches(rule, year, month, day, last)) return day;
  }
  return undefined;
}

export function dayMatches(rule: DayRule, year: number, month: number, day: number, last: number): boolean {
  switch (rule.kind) {
    case 'monthDays':
      return rule.days.includes(day);
    case 'lastDayOfMonth':
      return day === last - rule.offset;
    case 'lastWeekdayOfMonth':
      return day === nearestWeekday(year, month, last, last);
    case 'nearestWeekday':
      return rule.day <= last && day === nearestWeekday(year, month, rule.day, last);
    case 'weekDays':
      return rule.days.includes(weekdayOf(year, month, day));
    case 'lastWeekDay':
      return weekdayOf(year, month, day) === rule.day && day + 7 > last;
    case 'nthWeekDay':
      return weekdayOf(year, month, day) === rule.day && Math.ceil(day / 7) === rule.nth;
  }
}

/** Quartz `W`: a Saturday moves to Friday, a Sunday to Monday, but never into the previous or next month. */
function nearestWeekday(year: number, month: number, target: number, last: number): number {
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}
