import { CronExpressionError, type DayRule, type QuartzCron } from './quartz-cron';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const SECONDS: FieldSpec = { name: 'seconds', min: 0, max: 59 };
const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
/** Quartz numbering: 1 = SUN ... 7 = SAT. */
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2099 };

const FIELD_LIST = 'seconds minutes hours day-of-month month day-of-week [year]';

/**
 * Parses a Quartz cron expression as OpenIDM's scheduler accepts it, with the reason for any refusal:
 * `30 0/1 * * * ?`, `0 0 12 ? * MON-FRI`, `0 15 10 L * ?`, `0 15 10 ? * 6#3`, `0 0 12 1 1 ? 2030`.
 * Throws CronExpressionError.
 */
export function parseQuartzCron(expression: string): QuartzCron {
  const text = expression.trim();
  const fail = (reason: string): never => {
    throw new CronExpressionError(expression, reason);
  };
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length === 5) {
    fail(
      `expected 6 or 7 fields (${FIELD_LIST}), got 5; Quartz expressions start with seconds, e.g. "0 ${text}" with "?" in day-of-month or day-of-week`,
    );
  }
  if (fields.length < 6 || fields.length > 7) {
    fail(`expected 6 or 7 fields (${FIELD_LIST}), got ${fields.length}`);
  }
  const [sec, min, hour, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  for (const [value, spec] of [
    [sec, SECONDS],
    [min, MINUTES],
    [hour, HOURS],
    [month, MONTH],
    [year ?? '*', YEAR],
  ] as const) {
    if (value.includes('?'))
      fail(`'?' is only allowed in day-of-month or day-of-week, got it in ${spec.name}`);
  }
  if (dom === '?' && dow === '?') fail("'?' may be given in day-of-month or in day-of-week, not in both");
  if (dom !== '?' && dow !== '?') {
    fail(
      `one of day-of-month and day-of-week must be '?' (Quartz does not combine them), got "${dom}" and "${dow}"; e.g. "0 0 12 ? * MON-FRI" or "0 0 12 1 * ?"`,
    );
  }
  const days = dom === '?' ? weekDayRule(dow, fail) : monthDayRule(dom, fail);
  const years = year === undefined || year === '*' ? undefined : parseList(year, YEAR, fail);
  return {
    text,
    seconds: parseList(sec, SECONDS, fail),
    minutes: parseList(min, MINUTES, fail),
    hours: parseList(hour, HOURS, fail),
    months: parseList(month, MONTH, fail),
    ...(years !== undefined ? { years } : {}),
    days,
  };
}

/** Whether the expression is valid, with the reason when it is not (REST validateQuartzCronExpression). */
export function checkQuartzCron(expression: string): { valid: true } | { valid: false; reason: string } {
  try {
    parseQuartzCron(expression);
    return { valid: true };
  } catch (error) {
    if (error instanceof CronExpressionError) return { valid: false, reason: error.reason };
    throw error;
  }
}

type Fail = (reason: string) => never;

function monthDayRule(field: string, fail: Fail): DayRule {
  const upper = field.toUpperCase();
  if (upper === 'L') return { kind: 'lastDayOfMonth', offset: 0 };
  if (upper === 'LW') return { kind: 'lastWeekdayOfMonth' };
  const offset = /^L-(\d+)$/.exec(upper);
  if (offset) {
    const days = Number(offset[1]);
    if (days > 30) fail(`day-of-month offset from the last day must be 0-30, got "${field}"`);
    return { kind: 'lastDayOfMonth', offset: days };
  }
  if (upper.includes('L')) fail(`day-of-month accepts "L", "L-n" or "LW" alone, got "${field}"`);
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) fail(`day-of-month must be 1-31, got ${day} in "${field}"`);
    return { kind: 'nearestWeekday', day };
  }
  if (upper.includes('W')) {
    fail(`"W" (nearest weekday) takes a single day-of-month, e.g. "15W", got "${field}"`);
  }
  return { kind: 'monthDays', days: parseList(field, DAY_OF_MONTH, fail) };
}

function weekDayRule(field: string, fail: Fail): DayRule {
  const upper = field.toUpperCase();
  if (upper === 'L') return { kind: 'lastWeekDay', day: 6 };
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(upper);
  if (nth) {
    const count = Number(nth[2]);
    if (count < 1 || count > 5) fail(`the n of "day#n" in day-of-week must be 1-5, got "${field}"`);
    return { kind: 'nthWeekDay', day: value(nth[1] ?? '', DAY_OF_WEEK, fail) - 1, nth: count };
  }
  if (upper.includes('#')) fail(`"#" takes a single day, e.g. "6#3" (third Friday), got "${field}"`);
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last) return { kind: 'lastWeekDay', day: value(last[1] ?? '', DAY_OF_WEEK, fail) - 1 };
  if (/L$|L[,\-/]/.test(upper)) {
    fail(`"L" in day-of-week takes a single day, e.g. "6L" (last Friday), got "${field}"`);
  }
  const quartzDays = parseList(field, DAY_OF_WEEK, fail);
  return { kind: 'weekDays', days: quartzDays.map((d) => d - 1) };
}

/** `*`, `a`, `a-b`, `*\/n`, `a/n`, `a-b/n`, comma-separated; ranges may wrap (`FRI-MON`, `22-2`). */
function parseList(field: string, spec: FieldSpec, fail: Fail): number[] {
  const found = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') fail(`${spec.name} has an empty list item in "${field}"`);
    const [rangeText = '', stepText, extra] = item.split('/');
    if (extra !== undefined) fail(`${spec.name} has more than one "/" in "${item}"`);
    const step = stepText === undefined ? 1 : stepValue(stepText, spec, fail);
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const [start = '', end, more] = rangeText.split('-');
      if (more !== undefined) fail(`${spec.name} has more than one "-" in "${item}"`);
      from = value(start, spec, fail);
      // Quartz: `a/n` means from a to the end of the range in steps of n.
      to = end !== undefined ? value(end, spec, fail) : stepText !== undefined ? spec.max : from;
    }
    const size = spec.max - spec.min + 1;
    const span = to >= from ? to - from : to - from + size;
    for (let offset = 0; offset <= span; offset += step) {
      const v = from + offset;
      found.add(v > spec.max ? v - size : v);
    }
  }
  return [...found].sort((a, b) => a - b);
}

function stepValue(text: string, spec: FieldSpec, fail: Fail): number {
  const step = /^\d+$/.test(text) ? Number(text) : NaN;
  const largest = spec.max - spec.min + 1;
  if (!(step >= 1 && step <= largest)) {
    fail(`${spec.name} increment must be 1-${largest}, got "${text}"`);
  }
  return step;
}

function value(text: string, spec: FieldSpec, fail: Fail): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text)) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    fail(`${spec.name} must be a number ${spec.min}-${spec.max}${names}, got "${text}"`);
  }
  const number = Number(text);
  if (number < spec.min || number > spec.max) {
    const hint = spec === DAY_OF_WEEK ? ' (Quartz numbers days 1 = SUN ... 7 = SAT)' : '';
    fail(`${spec.name} must be ${spec.min}-${spec.max}, got ${number}${hint}`);
  }
  return number;
}
