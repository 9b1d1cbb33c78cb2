import type { ConfigFileEntry } from '../../config/config-file.registry';
import { z } from 'zod';
import { syncConfigSchema } from '../sync/sync-config.compiler';
import { rawScriptSchema } from '../sync/sync-config.schema';
import { CronExpressionError } from './quartz-cron';
import { parseQuartzCron } from './quartz-cron.parser';
import { isValidTimeZone } from './zoned-time';

/** OpenIDM writes services by their OSGi name; both spellings are accepted and shown as given. */
const SERVICES: Record<string, InvokeService> = {
  sync: 'sync',
  'org.forgerock.openidm.sync': 'sync',
  provisioner: 'provisioner',
  'org.forgerock.openidm.provisioner': 'provisioner',
  script: 'script',
  'org.forgerock.openidm.script': 'script',
  taskscanner: 'taskScanner',
  'org.forgerock.openidm.taskscanner': 'taskScanner',
};
export type InvokeService = 'sync' | 'provisioner' | 'script' | 'taskScanner';

export const RECON_ACTIONS = ['reconcile', 'recon', 'reconById'] as const;

/** ISO 8601 with or without an offset; without one it is a wall time in the schedule's time zone. */
export const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `config/schedule-<name>.json` and the body of `POST /openidm/scheduler/job?_action=create`, in OpenIDM's
 * format (openidm-sync-facts.md §6). Unknown keys are kept (OpenIDM files carry comments and
 * `invokeLogLevel`); the cross-field rules name the offending property.
 */
export const scheduleConfigSchema = z
  .looseObject(
    {
      enabled: z.boolean({ error: 'expected true or false' }).default(true),
      persisted: z.boolean({ error: 'expected true or false' }).default(false),
      concurrentExecution: z.boolean({ error: 'expected true or false' }).default(false),
      type: z.enum(['cron', 'simple'], { error: 'expected "cron" or "simple"' }).default('cron'),
      schedule: z.string({ error: 'expected a Quartz cron expression string' }).optional(),
      repeatInterval: z
        .number({ error: 'expected a repeat interval in milliseconds' })
        .int({ error: 'expected a whole number of milliseconds' })
        .positive({ error: 'expected a repeat interval of at least 1 ms' })
        .optional(),
      repeatCount: z.number({ error: 'expected a number' }).int().min(-1).optional(),
      startTime: z.string({ error: 'expected an ISO 8601 date-time' }).nullable().optional(),
      endTime: z.string({ error: 'expected an ISO 8601 date-time' }).nullable().optional(),
      timeZone: z
        .string({ error: 'expected a time zone id like "UTC" or "Europe/Paris"' })
        .nullable()
        .optional(),
      misfirePolicy: z
        .enum(['fireAndProceed', 'doNothing'], { error: 'expected "fireAndProceed" or "doNothing"' })
        .default('fireAndProceed'),
      invokeService: z.string({ error: 'expected "sync", "provisioner" or "script"' }),
      invokeContext: z.record(z.string(), z.unknown(), { error: 'expected an object' }).default({}),
      invokeLogLevel: z.string().optional(),
    },
    { error: 'expected a schedule object' },
  )
  .superRefine((config, ctx) => {
    const problem = (path: PropertyKey[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    if (config.type === 'cron') {
      if (config.schedule === undefined)
        problem(['schedule'], 'expected a Quartz cron expression, got nothing');
      else cronProblem(config.schedule, (m) => problem(['schedule'], m));
    } else if (config.repeatInterval === undefined) {
      problem(
        ['repeatInterval'],
        'expected a repeat interval in milliseconds for a "simple" schedule, got nothing',
      );
    }
    for (const key of ['startTime', 'endTime'] as const) {
      const value = config[key];
      if (typeof value === 'string' && !ISO_DATE_TIME.test(value)) {
        problem(
          [key],
          `expected an ISO 8601 date-time like "2026-01-31T09:00:00Z", got ${JSON.stringify(value)}`,
        );
      }
    }
    if (typeof config.timeZone === 'string' && !isValidTimeZone(config.timeZone)) {
      problem(
        ['timeZone'],
        `expected a time zone id like "UTC" or "Europe/Paris", got ${JSON.stringify(config.timeZone)}`,
      );
    }
    const service = SERVICES[config.invokeService.toLowerCase()];
    if (service === undefined) {
      problem(
        ['invokeService'],
        `expected "sync", "provisioner" or "script", got ${JSON.stringify(config.invokeService)}`,
      );
      return;
    }
    invokeContextProblems(service, config.invokeContext, (path, m) => problem(['invokeContext', ...path], m));
  });

export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;

export function invokeServiceOf(config: ScheduleConfig): InvokeService {
  const service = SERVICES[config.invokeService.toLowerCase()];
  if (service === undefined) throw new Error(`unchecked invokeService ${config.invokeService}`);
  return service;
}

function cronProblem(expression: string, report: (message: string) => void): void {
  try {
    parseQuartzCron(expression);
  } catch (error) {
    if (!(error instanceof CronExpressionError)) throw error;
    report(`expected a valid Quartz cron expression, got ${JSON.stringify(expression)}: ${error.reason}`);
  }
}

function invokeContextProblems(
  service: InvokeService,
  context: Record<string, unknown>,
  problem: (path: PropertyKey[], message: string) => void,
): void {
  switch (service) {
    case 'sync': {
      const action = context.action ?? 'reconcile';
      if (typeof action !== 'string' || !(RECON_ACTIONS as readonly string[]).includes(action)) {
        problem(['action'], `expected "reconcile", "recon" or "reconById", got ${JSON.stringify(action)}`);
      }
      const mapping = context.mapping;
      const named = typeof mapping === 'string' && mapping !== '';
      const inline = typeof mapping === 'object' && mapping !== null && !Array.isArray(mapping);
      if (!named && !inline) {
        problem(
          ['mapping'],
          `expected a mapping name or an inline mapping object, got ${JSON.stringify(mapping) ?? 'nothing'}`,
        );
      } else if (inline && typeof (mapping as Record<string, unknown>).name !== 'string') {
        problem(['mapping', 'name'], 'expected the inline mapping to have a "name"');
      } else if (inline) {
        inlineMappingProblems(mapping, problem);
      }
      if (action === 'reconById' && reconIds(context).length === 0) {
        problem(['ids'], 'expected the source id to reconcile ("ids" or "id") for action "reconById"');
      }
      return;
    }
    case 'provisioner':
      if (context.action !== 'liveSync') {
        problem(['action'], `expected "liveSync", got ${JSON.stringify(context.action) ?? 'nothing'}`);
      }
      if (typeof context.source !== 'string' || !/^system\/[^/]+\/[^/]+$/.test(context.source)) {
        problem(
          ['source'],
          `expected a source like "system/ldap/account", got ${JSON.stringify(context.source) ?? 'nothing'}`,
        );
      }
      return;
    case 'script': {
      const parsed = rawScriptSchema.safeParse(context.script);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problem(['script', ...issue.path], issue.message);
      }
      return;
    }
    case 'taskScanner':
      return;
  }
}

/** `reconById` takes one source id as `ids` (OpenIDM) or `id` (PingIDM), a string or a one-item list. */
export function reconIds(context: Record<string, unknown>): string[] {
  const given = context.ids ?? context.id;
  const list = Array.isArray(given) ? given : given === undefined ? [] : [given];
  return list.filter((id): id is string => typeof id === 'string' && id !== '');
}

/** `schedule-<name>.json`: OpenIDM names a file schedule's job after the part between `schedule-` and `.json`. */
export const SCHEDULE_FILE_NAME = /^schedule-(.+)\.json$/;
export const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The config-file registry entry (src/config/config-file.registry.ts): `config/schedule-recon.json` is
 * validated at load and stored under `schedule/recon`. A type-only import keeps src/config out of the core.
 */
export const scheduleConfigFile = {
  match: SCHEDULE_FILE_NAME,
  schema: scheduleConfigSchema,
  key: (fileName: string) => `schedule/${SCHEDULE_FILE_NAME.exec(fileName)?.[1] ?? fileName}`,
} satisfies ConfigFileEntry<typeof scheduleConfigSchema>;

/** An inline mapping is checked as sync.json checks a mapping, so a bad one is refused when the schedule loads. */
function inlineMappingProblems(
  mapping: object,
  problem: (path: PropertyKey[], message: string) => void,
): void {
  const result = syncConfigSchema('inline mapping').safeParse({ mappings: [mapping] });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const [, , ...inMapping] = issue.path; // drop "mappings", 0
    problem(['mapping', ...inMapping], issue.message);
  }
}
