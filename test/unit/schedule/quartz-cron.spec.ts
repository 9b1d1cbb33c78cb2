import { checkQuartzCron, parseQuartzCron } from '../../../src/core/schedule/quartz-cron.parser';
import { nextCronFire } from '../../../src/core/schedule/quartz-cron.next-fire';

/** The next `count` fire instants after `from` (ISO), as ISO strings. */
function fires(expression: string, from: string, count: number, zone = 'UTC'): string[] {
  const cron = parseQuartzCron(expression);
  const out: string[] = [];
  let at = Date.parse(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronFire(cron, at, zone);
    if (next === null) break;
    out.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    at = next;
  }
  return out;
}

describe('Quartz cron next fire times', () => {
  it.each([
    {
      name: "the sample's 30 0/1 * * * ? fires at second 30 of every minute",
      expression: '30 0/1 * * * ?',
      from: '2026-03-02T10:00:45Z',
      expected: ['2026-03-02T10:01:30Z', '2026-03-02T10:02:30Z', '2026-03-02T10:03:30Z'],
    },
    {
      name: 'noon on weekdays skips the weekend (2026-03-06 is a Friday)',
      expression: '0 0 12 ? * MON-FRI',
      from: '2026-03-06T12:00:00Z',
      expected: ['2026-03-09T12:00:00Z', '2026-03-10T12:00:00Z'],
    },
    {
      name: 'L in day-of-month is the last day (February of a non-leap year)',
      expression: '0 15 10 L * ?',
      from: '2026-01-31T11:00:00Z',
      expected: ['2026-02-28T10:15:00Z', '2026-03-31T10:15:00Z', '2026-04-30T10:15:00Z'],
    },
    {
      name: '6#3 is the third Friday (Quartz numbers days 1 = SUN)',
      expression: '0 15 10 ? * 6#3',
      from: '2026-01-01T00:00:00Z',
      expected: ['2026-01-16T10:15:00Z', '2026-02-20T10:15:00Z', '2026-03-20T10:15:00Z'],
    },
    {
      name: '6L is the last Friday of the month',
      expression: '0 0 9 ? * 6L',
      from: '2026-01-01T00:00:00Z',
      expected: ['2026-01-30T09:00:00Z', '2026-02-27T09:00:00Z'],
    },
    {
      name: 'the year field limits fires to the listed years',
      expression: '0 0 12 1 1 ? 2028,2030',
      from: '2026-06-01T00:00:00Z',
      expected: ['2028-01-01T12:00:00Z', '2030-01-01T12:00:00Z'],
    },
    {
      name: 'a year field in the past never fires',
      expression: '0 0 12 1 1 ? 2020',
      from: '2026-06-01T00:00:00Z',
      expected: [],
    },
    {
      name: '15W moves a Sunday 15th to Monday the 16th (March 2026)',
      expression: '0 0 8 15W * ?',
      from: '2026-03-01T00:00:00Z',
      expected: ['2026-03-16T08:00:00Z', '2026-04-15T08:00:00Z'],
    },
    {
      name: 'LW is the last weekday (May 2026 ends on a Sunday)',
      expression: '0 0 8 LW * ?',
      from: '2026-05-01T00:00:00Z',
      expected: ['2026-05-29T08:00:00Z'],
    },
    {
      name: 'L-2 is two days before the last day',
      expression: '0 0 0 L-2 * ?',
      from: '2026-02-01T00:00:00Z',
      expected: ['2026-02-26T00:00:00Z', '2026-03-29T00:00:00Z'],
    },
    {
      name: 'every second',
      expression: '* * * * * ?',
      from: '2026-01-01T00:00:00.400Z',
      expected: ['2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'],
    },
    {
      name: 'a wrapping hour range 22-2 runs through midnight',
      expression: '0 0 22-2 * * ?',
      from: '2026-01-01T21:30:00Z',
      expected: [
        '2026-01-01T22:00:00Z',
        '2026-01-01T23:00:00Z',
        '2026-01-02T00:00:00Z',
        '2026-01-02T01:00:00Z',
        '2026-01-02T02:00:00Z',
        '2026-01-02T22:00:00Z',
      ],
    },
  ])('$name', ({ expression, from, expected }) => {
    expect(fires(expression, from, expected.length + (expected.length === 0 ? 1 : 0))).toEqual(expected);
  });

  it('reads the fields on the wall clock of the time zone', () => {
    expect(fires('0 0 9 ? * MON', '2026-01-01T00:00:00Z', 1, 'Europe/Paris')).toEqual([
      '2026-01-05T08:00:00Z',
    ]);
    expect(fires('0 0 9 ? * MON', '2026-07-01T00:00:00Z', 1, 'Europe/Paris')).toEqual([
      '2026-07-06T07:00:00Z',
    ]);
  });

  it('fires a wall time skipped by the spring DST jump once, an hour later, and a repeated one once', () => {
    // 2026-03-08 02:30 does not exist in New York (02:00 -> 03:00 EDT); Java's lenient calendar gives 03:30.
    expect(fires('0 30 2 * * ?', '2026-03-07T12:00:00Z', 2, 'America/New_York')).toEqual([
      '2026-03-08T07:30:00Z',
      '2026-03-09T06:30:00Z',
    ]);
    // 2026-11-01 01:30 happens twice (EDT then EST): one fire, at the first.
    expect(fires('0 30 1 * * ?', '2026-10-31T12:00:00Z', 2, 'America/New_York')).toEqual([
      '2026-11-01T05:30:00Z',
      '2026-11-02T06:30:00Z',
    ]);
  });
});

describe('Quartz cron validation', () => {
  it.each([
    ['30 0/1 * * * ?'],
    ['0 0 12 ? * MON-FRI'],
    ['0 15 10 L * ?'],
    ['0 15 10 ? * 6#3'],
    ['0 0 12 1 1 ? 2030'],
    ['0 0/5 14,18 * * ?'],
    ['0 0 12 ? JAN-MAR SUN'],
    ['0 0 8 LW * ?'],
  ])('accepts %s', (expression) => {
    expect(checkQuartzCron(expression)).toEqual({ valid: true });
  });

  it.each([
    [
      '0 * * * *',
      'expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), got 5; Quartz expressions start with seconds, e.g. "0 0 * * * *" with "?" in day-of-month or day-of-week',
    ],
    [
      '0 0 12 * * MON',
      'one of day-of-month and day-of-week must be \'?\' (Quartz does not combine them), got "*" and "MON"; e.g. "0 0 12 ? * MON-FRI" or "0 0 12 1 * ?"',
    ],
    ['0 0 12 ? * ?', "'?' may be given in day-of-month or in day-of-week, not in both"],
    ['0 0 25 * * ?', 'hours must be 0-23, got 25'],
    ['0 0 12 ? * 0', 'day-of-week must be 1-7, got 0 (Quartz numbers days 1 = SUN ... 7 = SAT)'],
    ['0 0 12 ? * 6#6', 'the n of "day#n" in day-of-week must be 1-5, got "6#6"'],
    ['0 0 12 1-5W * ?', '"W" (nearest weekday) takes a single day-of-month, e.g. "15W", got "1-5W"'],
    ['0 0 12 1 1 ? 1969', 'year must be 1970-2099, got 1969'],
    ['0 0/0 * * * ?', 'minutes increment must be 1-60, got "0"'],
    ['0 0 12 ? FOO *', 'month must be a number 1-12 or JAN-DEC, got "FOO"'],
    ['? 0 12 * * ?', "'?' is only allowed in day-of-month or day-of-week, got it in seconds"],
    ['', 'expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), got 0'],
  ])('refuses %j with the reason', (expression, reason) => {
    expect(checkQuartzCron(expression)).toEqual({ valid: false, reason });
  });
});
