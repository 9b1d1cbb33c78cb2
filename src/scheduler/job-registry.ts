import { Injectable } from '@nestjs/common';
import { compileSchedule, type Schedule } from '../core/schedule/schedule';
import type { ScheduleConfig } from '../core/schedule/schedule-config.schema';
import { nextFireAfter } from '../core/schedule/schedule-trigger';
import { ScheduleStore, type FireScope } from './ports/schedule.store';
import { Clock } from './scheduler.clock';
import { SchedulerSettings } from './scheduler.settings';

/** Where a job is defined: a `schedule-<name>.json` file of this node, or the REST API. */
export type JobSource = 'file' | 'api';

/** A job this node schedules, with its plan. */
export interface JobEntry {
  readonly id: string;
  readonly source: JobSource;
  readonly schedule: Schedule;
  /** The fire instant this node plans next; null when the trigger has no more fires. */
  nextMs: number | null;
  /** A claim for this job is in progress on this node (ticks do not stack up). */
  evaluating: boolean;
  /** Fires of this job running on this node now. */
  running: number;
}

/** The jobs of this node by id, and how each one's first planned fire is found. */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly store: ScheduleStore,
    private readonly clock: Clock,
  ) {}

  compile(id: string, config: ScheduleConfig, source: JobSource): Schedule {
    const where = source === 'file' ? `schedule-${id}.json` : `scheduler/job/${id}`;
    return compileSchedule(config, this.settings.defaultTimeZone, where);
  }

  scopeOf(schedule: Schedule): FireScope {
    return schedule.persisted ? 'cluster' : this.settings.nodeId;
  }

  /**
   * Schedules (or re-schedules) a job. At start-up a persisted job continues from its last claimed fire,
   * so that the fires missed while every node was down count as a misfire; a job defined or changed now
   * (`fromNow`) plans its first fire after now, as a new Quartz trigger would.
   */
  async register(id: string, source: JobSource, schedule: Schedule, fromNow: boolean): Promise<JobEntry> {
    const now = this.clock.now();
    const last = fromNow || !schedule.persisted ? null : await this.store.lastFired(id, 'cluster');
    const previous = this.jobs.get(id);
    const entry: JobEntry = {
      id,
      source,
      schedule,
      nextMs: nextFireAfter(schedule.trigger, last ?? now),
      evaluating: false,
      running: previous?.running ?? 0,
    };
    this.jobs.set(id, entry);
    return entry;
  }

  remove(id: string): boolean {
    return this.jobs.delete(id);
  }

  get(id: string): JobEntry | undefined {
    return this.jobs.get(id);
  }

  all(): JobEntry[] {
    return [...this.jobs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
