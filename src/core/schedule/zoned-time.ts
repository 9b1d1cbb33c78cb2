/**
 * Wall-clock time in an IANA time zone, computed with Intl (no clock, no I/O). Cron fields are matched on
 * the wall clock of the schedule's zone; fire instants are epoch milliseconds.
 */
export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** Whether Intl knows the zone (`UTC`, `Europe/Paris`, `America/New_York`, `Etc/GMT+2`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function wallTimeAt(instantMs: number, zone: string): WallTime {
  if (zone === 'UTC') return utcWall(instantMs);
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The wall time as if it were UTC, in ms: wall-clock arithmetic (next second, next day) is done on this. */
export function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

export function utcWall(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/**
 * The instant a wall time names in `zone`. Around DST changes a wall time may name two instants (autumn:
 * the earlier is taken, so a fire happens once) or none (spring: shifted forward by the gap, as Java's
 * lenient calendar does for Quartz, so 02:30 on the day clocks jump from 02:00 to 03:00 fires at 03:30).
 */
export function instantOf(wall: WallTime, zone: string): number {
  const guess = wallMs(wall);
  if (zone === 'UTC') return guess;
  const first = guess - offsetAt(guess, zone);
  const second = guess - offsetAt(first, zone);
  const candidates = [first, second].filter((c) => wallMs(wallTimeAt(c, zone)) === guess);
  if (candidates.length > 0) return Math.min(...candidates);
  return Math.max(first, second);
}

/** Offset of the zone's wall clock from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instantMs: number, zone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallMs(wallTimeAt(whole, zone)) - whole;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}
