import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseQueryParams, type QueryParams } from '../core/crest/query-params.parser';
import type { QueryResult } from '../core/crest/query-request';
import { projectFields } from '../core/crest/resource-projection';
import { badRequest, notFound, preconditionFailed } from '../core/errors/domain-error';
import { checkQuartzCron } from '../core/schedule/quartz-cron.parser';
import type { ScheduleConfig } from '../core/schedule/schedule-config.schema';
import { evaluateFilter } from '../core/query-filter/query-filter.evaluator';
import { JobRegistry, type JobEntry } from './job-registry';
import { ScheduleStore, type RunRecord } from './ports/schedule.store';
import { checkName, FileSchedules, validateSchedule } from './schedule-files';
import { SchedulerService, iso } from './scheduler.service';
import { SchedulerSettings } from './scheduler.settings';

type Resource = Record<string, unknown>;

/**
 * The operations of `/openidm/scheduler` and `/openidm/config/schedule-<name>`. A job is shown as its
 * schedule config plus `_id`, `nextRunDate` (this node's plan), `source` and `lastRun`.
 */
@Injectable()
export class SchedulerJobs {
  constructor(
    private readonly settings: SchedulerSettings,
    private readonly registry: JobRegistry,
    private readonly store: ScheduleStore,
    private readonly scheduler: SchedulerService,
    private readonly files: FileSchedules,
  ) {}

  async create(requestedId: string | undefined, body: unknown): Promise<Resource> {
    const id = requestedId ?? bodyId(body) ?? randomUUID();
    checkName(id);
    await this.scheduler.syncStoredJobs(true);
    if (this.registry.get(id)) throw preconditionFailed(`Job ${id} already exists`);
    return this.define(id, body);
  }

  async put(id: string, body: unknown): Promise<Resource> {
    checkName(id);
    this.refuseFileJob(id, 'replace');
    return this.define(id, body);
  }

  async read(id: string): Promise<Resource> {
    return this.view(await this.mustGet(id));
  }

  async delete(id: string): Promise<Resource> {
    this.refuseFileJob(id, 'delete');
    const job = await this.mustGet(id);
    const shown = await this.view(job);
    if (job.schedule.persisted) await this.store.deleteJob(id);
    this.registry.remove(id);
    return shown;
  }

  async query(params: QueryParams): Promise<QueryResult<Resource>> {
    const request = parseQueryParams(params);
    await this.scheduler.syncStoredJobs(true);
    const runs = await this.lastRuns();
    const result = this.registry
      .all()
      .map((job) => this.show(job, runs.get(job.id)))
      .filter((job) => evaluateFilter(request.filter, job))
      .map((job) => (request.idsOnly ? { _id: job._id } : projectFields(job, request.fields)));
    return {
      result,
      resultCount: result.length,
      pagedResultsCookie: null,
      totalPagedResultsPolicy: request.totalPagedResultsPolicy,
      totalPagedResults: request.totalPagedResultsPolicy === 'NONE' ? -1 : result.length,
      remainingPagedResults: -1,
    };
  }

  /** Jobs with a fire running anywhere in the cluster, each with its running fires. */
  async currentlyExecuting(): Promise<Resource[]> {
    const active = await this.store.activeRuns();
    const runs = await this.lastRuns();
    const shown: Resource[] = [];
    for (const id of [...new Set(active.map((run) => run.jobId))]) {
      const job = this.registry.get(id);
      if (job === undefined) continue;
      const executing = active.filter((run) => run.jobId === id).map(showRun);
      shown.push({ ...this.show(job, runs.get(id)), executing });
    }
    return shown;
  }

  async setPaused(paused: boolean): Promise<{ success: true }> {
    await this.store.setPaused(paused);
    this.scheduler.paused = paused;
    return { success: true };
  }

  validateCron(body: unknown): { valid: boolean; reason?: string } {
    const expression =
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>).cronExpression
        : undefined;
    if (typeof expression !== 'string') {
      throw badRequest('Expected a body like {"cronExpression": "0 0/5 * * * ?"}');
    }
    const checked = checkQuartzCron(expression);
    return checked.valid ? { valid: true } : { valid: false, reason: checked.reason };
  }

  // --- file schedules (`/openidm/config/schedule-<name>`)

  readFile(name: string): Resource {
    return { _id: `schedule/${name}`, ...this.files.read(name) };
  }

  /** Validates, writes the file and reschedules the job at once. */
  async writeFile(name: string, body: unknown): Promise<Resource> {
    const existing = this.registry.get(name);
    if (existing !== undefined && existing.source === 'api') {
      throw badRequest(`Job ${name} was created over REST; a schedule file of the same name would hide it`);
    }
    const config = this.files.write(name, body);
    await this.registry.register(name, 'file', this.registry.compile(name, config, 'file'), true);
    return { _id: `schedule/${name}`, ...config };
  }

  deleteFile(name: string): Resource {
    const config = this.files.delete(name);
    this.registry.remove(name);
    return { _id: `schedule/${name}`, ...config };
  }

  private async define(id: string, body: unknown): Promise<Resource> {
    const config: ScheduleConfig = validateSchedule(body, `scheduler/job/${id}`);
    const schedule = this.registry.compile(id, config, 'api');
    const previous = this.registry.get(id);
    if (schedule.persisted) await this.store.saveJob({ id, config });
    else if (previous?.schedule.persisted) await this.store.deleteJob(id);
    return this.view(await this.registry.register(id, 'api', schedule, true));
  }

  private refuseFileJob(id: string, what: string): void {
    if (this.registry.get(id)?.source === 'file') {
      throw badRequest(
        `Job ${id} is defined by ${this.files.fileName(id)}; ${what} it with /openidm/config/schedule-${id}`,
      );
    }
  }

  private async mustGet(id: string): Promise<JobEntry> {
    if (this.registry.get(id) === undefined) await this.scheduler.syncStoredJobs(true);
    const job = this.registry.get(id);
    if (job === undefined) throw notFound(`Job ${id} not found`);
    return job;
  }

  private async view(job: JobEntry): Promise<Resource> {
    return this.show(job, (await this.lastRuns()).get(job.id));
  }

  private lastRuns(): Promise<Map<string, RunRecord>> {
    return this.store.lastRuns(['cluster', this.settings.nodeId]);
  }

  private show(job: JobEntry, last: RunRecord | undefined): Resource {
    return {
      _id: job.id,
      ...job.schedule.config,
      source: job.source,
      nextRunDate: job.schedule.enabled && job.nextMs !== null ? iso(job.nextMs) : null,
      lastRun: last === undefined ? null : showRun(last),
    };
  }
}

function showRun(run: RunRecord): Resource {
  return {
    scheduledFireTime: iso(run.fireMs),
    startTime: iso(run.startedMs),
    endTime: run.endedMs === null ? null : iso(run.endedMs),
    state: run.state,
    node: run.nodeId,
    ...(run.reconId !== null ? { reconId: run.reconId } : {}),
    ...(run.message !== null ? { message: run.message } : {}),
  };
}

function bodyId(body: unknown): string | undefined {
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
