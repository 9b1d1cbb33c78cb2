import { decideFire, type FireFacts } from '../../../src/core/schedule/fire-decision';
import { compileSchedule } from '../../../src/core/schedule/schedule';
import { scheduleConfigSchema } from '../../../src/core/schedule/schedule-config.schema';
import {
  latestFireAtOrBefore,
  nextFireAfter,
  type Trigger,
} from '../../../src/core/schedule/schedule-trigger';
import { parseQuartzCron } from '../../../src/core/schedule/quartz-cron.parser';

const ms = (iso: string): number => Date.parse(iso);
const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());

const everyMinute: Trigger = { kind: 'cron', cron: parseQuartzCron('0 * * * * ?'), timeZone: 'UTC' };
const halfHourly: Trigger = { kind: 'simple', intervalMs: 1_800_000, anchorMs: 0, repeatCount: -1 };

describe('simple schedules (repeatInterval)', () => {
  it.each([
    {
      name: 'without startTime fires on multiples of the interval since the epoch, the same on every node',
      trigger: halfHourly,
      after: '2026-01-01T10:10:00Z',
      expected: ['2026-01-01T10:30:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T11:30:00.000Z'],
    },
    {
      name: 'with startTime fires at it, then every interval',
      trigger: { ...halfHourly, anchorMs: ms('2026-01-01T10:05:00Z') },
      after: '2026-01-01T00:00:00Z',
      expected: ['2026-01-01T10:05:00.000Z', '2026-01-01T10:35:00.000Z', '2026-01-01T11:05:00.000Z'],
    },
    {
      name: 'stops after repeatCount repeats',
      trigger: { ...halfHourly, anchorMs: ms('2026-01-01T10:00:00Z'), repeatCount: 1 },
      after: '2026-01-01T09:00:00Z',
      expected: ['2026-01-01T10:00:00.000Z', '2026-01-01T10:30:00.000Z'],
    },
    {
      name: 'stops at endTime',
      trigger: { ...halfHourly, endMs: ms('2026-01-01T11:10:00Z') },
      after: '2026-01-01T10:10:00Z',
      expected: ['2026-01-01T10:30:00.000Z', '2026-01-01T11:00:00.000Z'],
    },
  ])('$name', ({ trigger, after, expected }) => {
    const seen: string[] = [];
    let at: number | null = ms(after);
    while ((at = nextFireAfter(trigger, at)) !== null && seen.length < 3) seen.push(iso(at) ?? '');
    expect(seen).toEqual(expected);
  });

  it('a cron schedule starts at startTime and ends at endTime', () => {
    const trigger: Trigger = {
      ...everyMinute,
      startMs: ms('2026-01-01T10:00:30Z'),
      endMs: ms('2026-01-01T10:02:00Z'),
    };
    expect(iso(nextFireAfter(trigger, ms('2026-01-01T00:00:00Z')))).toBe('2026-01-01T10:01:00.000Z');
    expect(nextFireAfter(trigger, ms('2026-01-01T10:02:00Z'))).toBeNull();
  });

  it('finds the latest fire at or before an instant, for the single catch-up fire of a misfire', () => {
    expect(
      iso(latestFireAtOrBefore(everyMinute, ms('2026-01-01T10:07:30Z'), ms('2026-01-01T09:00:00Z'))),
    ).toBe('2026-01-01T10:07:00.000Z');
    expect(iso(latestFireAtOrBefore(halfHourly, ms('2026-01-01T10:07:30Z'), 0))).toBe(
      '2026-01-01T10:00:00.000Z',
    );
    const daily: Trigger = { kind: 'cron', cron: parseQuartzCron('0 0 12 ? * MON'), timeZone: 'UTC' };
    expect(iso(latestFireAtOrBefore(daily, ms('2026-03-04T00:00:00Z'), ms('2026-01-01T00:00:00Z')))).toBe(
      '2026-03-02T12:00:00.000Z',
    );
  });
});

describe('fire decisions and misfires', () => {
  const base: FireFacts = {
    trigger: everyMinute,
    misfirePolicy: 'fireAndProceed',
    misfireThresholdMs: 60_000,
    nowMs: ms('2026-01-01T10:00:00.020Z'),
    plannedMs: ms('2026-01-01T10:00:00Z'),
    lastFiredMs: ms('2026-01-01T09:59:00Z'),
  };
  it.each([
    {
      name: 'an on-time instant fires and the plan moves to the next one',
      facts: base,
      expected: { fireMs: '2026-01-01T10:00:00.000Z', misfired: false, nextMs: '2026-01-01T10:01:00.000Z' },
    },
    {
      name: 'an instant another node already claimed is not fired again',
      facts: { ...base, lastFiredMs: ms('2026-01-01T10:00:00Z') },
      expected: { fireMs: null, misfired: false, nextMs: '2026-01-01T10:01:00.000Z' },
    },
    {
      name: 'an instant 30 s late (within the 60 s threshold) still fires',
      facts: { ...base, nowMs: ms('2026-01-01T10:00:30Z') },
      expected: { fireMs: '2026-01-01T10:00:00.000Z', misfired: false, nextMs: '2026-01-01T10:01:00.000Z' },
    },
    {
      name: 'after an hour of downtime fireAndProceed fires once, under the latest missed instant',
      facts: { ...base, nowMs: ms('2026-01-01T11:00:10Z') },
      expected: { fireMs: '2026-01-01T11:00:00.000Z', misfired: true, nextMs: '2026-01-01T11:01:00.000Z' },
    },
    {
      name: 'after an hour of downtime doNothing skips to the next instant after now',
      facts: { ...base, nowMs: ms('2026-01-01T11:00:10Z'), misfirePolicy: 'doNothing' as const },
      expected: { fireMs: null, misfired: true, nextMs: '2026-01-01T11:01:00.000Z' },
    },
    {
      name: 'a planned instant still in the future waits',
      facts: { ...base, nowMs: ms('2026-01-01T09:59:59Z') },
      expected: { fireMs: null, misfired: false, nextMs: '2026-01-01T10:00:00.000Z' },
    },
  ])('$name', ({ facts, expected }) => {
    const decision = decideFire(facts);
    expect({ ...decision, fireMs: iso(decision.fireMs), nextMs: iso(decision.nextMs) }).toEqual(expected);
  });
});

describe('schedule files', () => {
  const problems = (config: unknown): string[] => {
    const parsed = scheduleConfigSchema.safeParse(config);
    return parsed.success ? [] : parsed.error.issues.map((i) => `/${i.path.join('/')}: ${i.message}`);
  };

  it("accepts the sample's recon schedule and fills OpenIDM's defaults", () => {
    const parsed = scheduleConfigSchema.parse({
      enabled: false,
      persisted: true,
      type: 'cron',
      schedule: '30 0/1 * * * ?',
      invokeService: 'org.forgerock.openidm.sync',
      invokeContext: { action: 'reconcile', mapping: 'systemLdapAccounts_managedUser' },
    });
    const schedule = compileSchedule(parsed, 'UTC', 'schedule-recon.json');
    expect(schedule.misfirePolicy).toBe('fireAndProceed');
    expect(schedule.concurrentExecution).toBe(false);
    expect(schedule.invocation).toEqual({
      service: 'sync',
      action: 'recon',
      mapping: 'systemLdapAccounts_managedUser',
      ids: [],
    });
  });

  it('accepts the IDM 7.3 simple variant', () => {
    const parsed = scheduleConfigSchema.parse({
      type: 'simple',
      repeatInterval: 1800000,
      invokeService: 'sync',
      invokeContext: { action: 'reconcile', mapping: 'systemLdapAccounts_managedUser' },
    });
    expect(compileSchedule(parsed, 'UTC', 'x').trigger).toEqual({
      kind: 'simple',
      intervalMs: 1800000,
      anchorMs: 0,
      repeatCount: -1,
    });
  });

  it('reads a startTime without offset in the schedule time zone', () => {
    const parsed = scheduleConfigSchema.parse({
      schedule: '0 0 * * * ?',
      startTime: '2026-07-01T09:00:00',
      timeZone: 'Europe/Paris',
      invokeService: 'script',
      invokeContext: { script: { type: 'text/javascript', source: '1' } },
    });
    const trigger = compileSchedule(parsed, 'UTC', 'x').trigger;
    expect(trigger.kind === 'cron' ? iso(trigger.startMs ?? null) : null).toBe('2026-07-01T07:00:00.000Z');
  });

  it.each([
    [
      { schedule: '0 0 25 * * ?', invokeService: 'sync', invokeContext: { mapping: 'm' } },
      '/schedule: expected a valid Quartz cron expression, got "0 0 25 * * ?": hours must be 0-23, got 25',
    ],
    [
      { type: 'simple', invokeService: 'sync', invokeContext: { mapping: 'm' } },
      '/repeatInterval: expected a repeat interval in milliseconds for a "simple" schedule, got nothing',
    ],
    [
      { schedule: '0 * * * * ?', invokeService: 'workflow' },
      '/invokeService: expected "sync", "provisioner" or "script", got "workflow"',
    ],
    [
      { schedule: '0 * * * * ?', invokeService: 'sync', invokeContext: { action: 'purge', mapping: 'm' } },
      '/invokeContext/action: expected "reconcile", "recon" or "reconById", got "purge"',
    ],
    [
      { schedule: '0 * * * * ?', invokeService: 'sync', invokeContext: {} },
      '/invokeContext/mapping: expected a mapping name or an inline mapping object, got nothing',
    ],
    [
      {
        schedule: '0 * * * * ?',
        invokeService: 'provisioner',
        invokeContext: { action: 'liveSync', source: 'ldap' },
      },
      '/invokeContext/source: expected a source like "system/ldap/account", got "ldap"',
    ],
    [
      {
        schedule: '0 * * * * ?',
        timeZone: 'Mars/Olympus',
        invokeService: 'sync',
        invokeContext: { mapping: 'm' },
      },
      '/timeZone: expected a time zone id like "UTC" or "Europe/Paris", got "Mars/Olympus"',
    ],
    [
      {
        schedule: '0 * * * * ?',
        misfirePolicy: 'fireTwice',
        invokeService: 'sync',
        invokeContext: { mapping: 'm' },
      },
      '/misfirePolicy: expected "fireAndProceed" or "doNothing"',
    ],
  ])('refuses %j', (config, problem) => {
    expect(problems(config)).toEqual([problem]);
  });

  it('accepts a taskScanner schedule, which fails when it runs with a message saying it is not supported', () => {
    const parsed = scheduleConfigSchema.parse({
      schedule: '0 * * * * ?',
      invokeService: 'taskscanner',
      invokeContext: {},
    });
    expect(compileSchedule(parsed, 'UTC', 'x').invocation).toEqual({ service: 'taskScanner' });
  });
});
