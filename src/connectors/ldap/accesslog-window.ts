/**
 * Where live sync stands in OpenLDAP's `cn=accesslog`, allowing for writes that are logged out of order.
 *
 * A log entry is named by its request's start time (reqStart) but written when the request is done, so under
 * concurrent writers a request that started earlier can appear after one that started later. A token that was
 * only "the newest reqStart handled" stepped over such late entries for good: read while 50 connections wrote
 * (test/integration/ldap/ldap-connector.sync-concurrent.spec.ts), 15–30 of 1,500 changes were lost per run. So
 * each read looks back WINDOW_US before the newest reqStart handled, and the token lists the entries within that
 * window it has handled already, which are skipped. An entry logged more than WINDOW_US late is still missed;
 * under that load the late ones were at most 135 millionths of a second behind a later-started one by reqStart's
 * fraction (slapd keeps it strictly increasing, so it is not always real time), so a second leaves a wide margin
 * while keeping a busy directory's token small (one short offset per change of the last second).
 *
 * Token text: the newest reqStart handled, then (when any) `;` and the window's handled entries, each as the
 * microseconds it started before the newest, in base 36, comma-separated. A token without `;` has only the newest
 * handled; one written before the window existed is read so too, and the window's entries before it are handled
 * once more (live sync reads each entry as it is now, so a repeat changes nothing).
 */
export const WINDOW_US = 1_000_000;

export interface LogPosition {
  /** The newest reqStart handled, in microseconds since the epoch. */
  readonly newestUs: number;
  /** The reqStarts handled within the window before `newestUs` (newestUs itself included). */
  readonly handled: ReadonlySet<number>;
}

const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})Z$/;

/** A reqStart (`20261202160358.000010Z`) in microseconds since the epoch; null when it is not in that form. */
export function reqStartMicros(text: string): number | null {
  const m = GENERALIZED.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second, micros] = m.slice(1).map(Number);
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return ms * 1000 + (micros ?? 0);
}

/** Microseconds since the epoch as a reqStart, for the search filter. */
export function formatReqStart(us: number): string {
  const date = new Date(Math.floor(us / 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}` +
    `.${pad(us % 1_000_000, 6)}Z`
  );
}

/** The position a token names; null when it names none this module can read (the caller reads from it as is). */
export function parsePosition(token: string): LogPosition | null {
  const [newest = '', list] = token.split(';', 2);
  const newestUs = reqStartMicros(newest);
  if (newestUs === null) return null;
  const handled = new Set<number>([newestUs]);
  for (const offset of list ? list.split(',') : []) {
    const before = parseInt(offset, 36);
    if (Number.isFinite(before)) handled.add(newestUs - before);
  }
  return { newestUs, handled };
}

export function formatPosition(position: LogPosition): string {
  const offsets = [...position.handled]
    .filter((us) => us !== position.newestUs)
    .sort((a, b) => b - a)
    .map((us) => (position.newestUs - us).toString(36));
  const newest = formatReqStart(position.newestUs);
  return offsets.length === 0 ? newest : `${newest};${offsets.join(',')}`;
}

/** The earliest reqStart a read from `position` must look at. */
export function windowStart(position: LogPosition): string {
  return formatReqStart(Math.max(0, position.newestUs - WINDOW_US));
}

/** Whether the entry that started at `us` is still to be handled from `position`. */
export function isPending(position: LogPosition, us: number): boolean {
  return us > position.newestUs - WINDOW_US && !position.handled.has(us);
}

/** The position once the entry that started at `us` is handled: entries older than the window are forgotten. */
export function advance(position: LogPosition, us: number): LogPosition {
  const newestUs = Math.max(position.newestUs, us);
  const handled = new Set<number>();
  for (const seen of [...position.handled, us]) if (seen > newestUs - WINDOW_US) handled.add(seen);
  return { newestUs, handled };
}
