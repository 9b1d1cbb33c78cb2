import { toScriptSpec } from '../sync/sync-config.compiler';
import { rawScriptSchema } from '../sync/sync-config.schema';
import type { JsonObject, ScriptSpec } from '../sync/script';
import type { MisfirePolicy } from './fire-decision';
import { parseQuartzCron } from './quartz-cron.parser';
import { ISO_DATE_TIME, invokeServiceOf, reconIds, type ScheduleConfig } from './schedule-config.schema';
import type { Trigger } from './schedule-trigger';
import { instantOf } from './zoned-time';

/** What a fire does, taken from `invokeService` and `invokeContext`. */
export type Invocation =
  | {
      readonly service: 'sync';
      readonly action: 'recon' | 'reconById';
      /** A mapping name of sync.json, or an inline mapping object. */
      readonly mapping: string | JsonObject;
      readonly ids: readonly string[];
    }
  | { readonly service: 'provisioner'; readonly action: 'liveSync'; readonly source: string }
  | { readonly service: 'script'; readonly script: ScriptSpec; readonly input: unknown }
  | { readonly service: 'taskScanner' };

/** A validated schedule ready to run: its config as shown over REST, when it fires and what it does. */
export interface Schedule {
  readonly config: ScheduleConfig;
  readonly enabled: boolean;
  readonly persisted: boolean;
  readonly concurrentExecution: boolean;
  readonly misfirePolicy: MisfirePolicy;
  readonly trigger: Trigger;
  readonly invocation: Invocation;
}

/**
 * Turns a validated config into a Schedule. `defaultTimeZone` applies when the config names none (Quartz
 * uses the server's zone); `where` names the config in messages (`schedule-recon.json`, `scheduler/job/x`).
 */
export function compileSchedule(config: ScheduleConfig, defaultTimeZone: string, where: string): Schedule {
  const timeZone = config.timeZone ?? defaultTimeZone;
  const startMs = instant(config.startTime, timeZone);
  const endMs = instant(config.endTime, timeZone);
  const trigger: Trigger =
    config.type === 'cron'
      ? {
          kind: 'cron',
          cron: parseQuartzCron(config.schedule ?? ''),
          timeZone,
          ...(startMs !== undefined ? { startMs } : {}),
          ...(endMs !== undefined ? { endMs } : {}),
        }
      : {
          kind: 'simple',
          intervalMs: config.repeatInterval ?? 1000,
          anchorMs: startMs ?? 0,
          repeatCount: config.repeatCount ?? -1,
          ...(endMs !== undefined ? { endMs } : {}),
        };
  return {
    config,
    enabled: config.enabled,
    persisted: config.persisted,
    concurrentExecution: config.concurrentExecution,
    misfirePolicy: config.misfirePolicy,
    trigger,
    invocation: invocationOf(config, where),
  };
}

function invocationOf(config: ScheduleConfig, where: string): Invocation {
  const context = config.invokeContext;
  switch (invokeServiceOf(config)) {
    case 'sync':
      return {
        service: 'sync',
        action: context.action === 'reconById' ? 'reconById' : 'recon',
        mapping: context.mapping as string | JsonObject,
        ids: reconIds(context),
      };
    case 'provisioner':
      return { service: 'provisioner', action: 'liveSync', source: String(context.source) };
    case 'script':
      return {
        service: 'script',
        script: toScriptSpec(rawScriptSchema.parse(context.script), `${where} /invokeContext/script`),
        input: context.input ?? null,
      };
    case 'taskScanner':
      return { service: 'taskScanner' };
  }
}

function instant(text: string | null | undefined, zone: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  if (match[8] !== undefined) return Date.parse(text);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return (
    instantOf({ year, month, day, hour, minute, second }, zone) + Number((match[7] ?? '0').padEnd(3, '0'))
  );
}
