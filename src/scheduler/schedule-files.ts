import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { issuesToProblems } from '../config/zod-issue.formatter';
import { badRequest, notFound } from '../core/errors/domain-error';
import {
  SCHEDULE_NAME,
  scheduleConfigSchema,
  type ScheduleConfig,
} from '../core/schedule/schedule-config.schema';
import { SchedulerSettings } from './scheduler.settings';

/**
 * File schedules (`config/schedule-<name>.json`): those validated at start-up, and replacing one through
 * `/openidm/config/schedule-<name>` (validated, then written, so that a restart keeps the change).
 */
@Injectable()
export class FileSchedules {
  private readonly current: Map<string, ScheduleConfig>;

  constructor(
    private readonly settings: SchedulerSettings,
    loaded: ReadonlyMap<string, ScheduleConfig>,
  ) {
    this.current = new Map(loaded);
  }

  initial(): [string, ScheduleConfig][] {
    return [...this.current.entries()];
  }

  has(name: string): boolean {
    return this.current.has(name);
  }

  read(name: string): ScheduleConfig {
    const config = this.current.get(name);
    if (config === undefined) throw notFound(`No schedule file ${this.fileName(name)}`);
    return config;
  }

  /** Validates and writes the file; throws 400 naming the property and the reason. */
  write(name: string, body: unknown): ScheduleConfig {
    checkName(name);
    const config = validateSchedule(body, this.fileName(name));
    // The file keeps what was sent (defaults stay implicit, as in OpenIDM's own files).
    writeFileSync(
      join(this.settings.configDir, this.fileName(name)),
      `${JSON.stringify(withoutId(body), null, 2)}\n`,
    );
    this.current.set(name, config);
    return config;
  }

  delete(name: string): ScheduleConfig {
    const config = this.read(name);
    const path = join(this.settings.configDir, this.fileName(name));
    if (existsSync(path)) rmSync(path);
    this.current.delete(name);
    return config;
  }

  fileName(name: string): string {
    return `schedule-${name}.json`;
  }
}

export function checkName(name: string): void {
  if (!SCHEDULE_NAME.test(name)) {
    throw badRequest(`Invalid schedule name ${JSON.stringify(name)}: use letters, digits, "-", "_" and "."`);
  }
}

/** Validates a schedule body (REST or file content); a 400 lists `<path>: <reason>` for every problem. */
export function validateSchedule(body: unknown, where: string): ScheduleConfig {
  const input = withoutId(body);
  const parsed = scheduleConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = issuesToProblems(parsed.error.issues, input, where);
  const text = problems.map((p) => `${p.path ?? '/'}: ${p.message}`).join('; ');
  throw badRequest(`Invalid schedule ${where}: ${text}`, { problems: problems.map((p) => ({ ...p })) });
}

function withoutId(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).filter(([key]) => key !== '_id'))
    : body;
}
