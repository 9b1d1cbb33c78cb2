import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { decideFire, type FireDecision } from '../core/schedule/fire-decision';
import { ClusterMembership } from './cluster-membership.service';
import { JobRegistry, type JobEntry } from './job-registry';
import { ScheduleStore, type FireScope, type RunEnd } from './ports/schedule.store';
import { ScheduledTaskInvoker } from './ports/task-invoker';
import { FileSchedules } from './schedule-files';
import { Clock, SchedulerTicker } from './scheduler.clock';
import { SchedulerSettings } from './scheduler.settings';

/** Fires of one job caught up in one evaluation when the node fell behind (event loop blocked). */
const MAX_CATCH_UP = 100;
/** How long shutdown waits for running fires before marking them FAILED. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Fires jobs. On each tick (node-cron, every second) a job whose planned instant has come is claimed in the
 * store, which decides with the latest fire any node claimed: the winner runs it, the others move their
 * plan past it. A heartbeat keeps this node's membership and leases alive, fails the runs of silent nodes
 * (their recons too, through ClusterMembership), and picks up persisted jobs created on other nodes.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly inFlight = new Set<Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  paused = false;

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly registry: JobRegistry,
    private readonly store: ScheduleStore,
    private readonly invoker: ScheduledTaskInvoker,
    private readonly clock: Clock,
    private readonly ticker: SchedulerTicker,
    private readonly membership: ClusterMembership,
    private readonly files: FileSchedules,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.membership.join();
    this.paused = await this.store.isPaused();
    for (const [id, config] of this.files.initial()) {
      await this.registry.register(id, 'file', this.registry.compile(id, config, 'file'), false);
    }
    await this.syncStoredJobs(false);
    this.ticker.start(() => this.tick());
    this.heartbeat = setInterval(() => void this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.ticker.stop();
    const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    await this.membership.leave();
  }

  /** Evaluates every enabled job whose planned instant has come. */
  tick(): void {
    if (this.paused) return;
    const now = this.clock.now();
    for (const job of this.registry.all()) {
      if (!job.schedule.enabled || job.evaluating || job.nextMs === null || job.nextMs > now) continue;
      job.evaluating = true;
      this.evaluate(job)
        .catch((error: unknown) =>
          this.logger.error(`Job ${job.id}: claiming a fire failed: ${message(error)}`),
        )
        .finally(() => {
          job.evaluating = false;
        });
    }
  }

  private async evaluate(job: JobEntry): Promise<void> {
    const { schedule } = job;
    const scope = this.registry.scopeOf(schedule);
    for (let round = 0; round < MAX_CATCH_UP; round++) {
      const planned = job.nextMs;
      if (planned === null || planned > this.clock.now() || this.paused) return;
      const claim = await this.store.claim({
        jobId: job.id,
        scope,
        nodeId: this.settings.nodeId,
        // Jobs every node fires are kept from overlapping on this node only (`running`), not by a lease.
        concurrent: schedule.concurrentExecution || !schedule.persisted,
        leaseMs: this.settings.nodeTimeoutMs,
        decide: (lastFiredMs, paused): FireDecision => {
          if (paused) return { fireMs: null, misfired: false, nextMs: planned };
          return decideFire({
            trigger: schedule.trigger,
            misfirePolicy: schedule.misfirePolicy,
            misfireThresholdMs: this.settings.misfireThresholdMs,
            nowMs: this.clock.now(),
            plannedMs: planned,
            lastFiredMs,
          });
        },
      });
      const { decision } = claim;
      if (this.registry.get(job.id) !== job) return; // redefined meanwhile: the new entry has its own plan
      job.nextMs = decision.nextMs;
      if (decision.misfired) {
        const what = decision.fireMs === null ? 'skipped (doNothing)' : 'firing once now (fireAndProceed)';
        this.logger.warn(`Job ${job.id} misfired at ${iso(planned)}: ${what}`);
      }
      if (claim.outcome === 'run' && decision.fireMs !== null) {
        if (!schedule.persisted && !schedule.concurrentExecution && job.running > 0) {
          await this.store.finishRun(job.id, scope, decision.fireMs, {
            state: 'SKIPPED',
            message:
              'not run: the previous fire is still running on this node (concurrentExecution is false)',
          });
        } else {
          this.startRun(job, scope, decision.fireMs);
        }
      }
      if (decision.nextMs === planned) {
        this.paused = true; // the cluster is paused; the heartbeat notices a resume
        return;
      }
    }
  }

  private startRun(job: JobEntry, scope: FireScope, fireMs: number): void {
    job.running++;
    const run = (async () => {
      const started = this.clock.now();
      let end: RunEnd;
      try {
        const result = await this.invoker.invoke(
          { id: job.id, schedule: job.schedule },
          { scheduledFireTime: iso(fireMs), actualFireTime: iso(started), nodeId: this.settings.nodeId },
        );
        end = {
          state: result.state ?? 'SUCCESS',
          ...(result.reconId !== undefined ? { reconId: result.reconId } : {}),
        };
      } catch (error) {
        end = { state: 'FAILED', message: message(error) };
        this.logger.warn(`Job ${job.id} (fire ${iso(fireMs)}) failed: ${message(error)}`);
      }
      try {
        await this.store.finishRun(job.id, scope, fireMs, end);
      } catch (error) {
        this.logger.error(
          `Job ${job.id}: recording the end of fire ${iso(fireMs)} failed: ${message(error)}`,
        );
      } finally {
        job.running--;
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** The heartbeat: membership, leases, silent nodes' runs, other nodes' jobs and the pause switch. */
  private async beat(): Promise<void> {
    try {
      await this.membership.heartbeat();
      await this.store.refreshLeases(this.settings.nodeId, this.settings.nodeTimeoutMs);
      const failed = await this.store.failRunsOfSilentNodes(this.settings.nodeTimeoutMs);
      if (failed > 0) this.logger.warn(`Marked ${failed} run(s) of silent nodes FAILED`);
      this.paused = await this.store.isPaused();
      await this.syncStoredJobs(true);
      const now = this.clock.now();
      if (now - this.lastPrune > 3600_000) {
        this.lastPrune = now;
        await this.store.pruneRunsBefore(now - this.settings.historyMs);
      }
    } catch (error) {
      this.logger.error(`Scheduler heartbeat failed: ${message(error)}`);
    }
  }

  /** Schedules the persisted jobs of the store that this node does not have (or has in another version). */
  async syncStoredJobs(fromNow: boolean): Promise<void> {
    const stored = await this.store.listJobs();
    const ids = new Set(stored.map((job) => job.id));
    for (const { id, config } of stored) {
      const current = this.registry.get(id);
      if (current?.source === 'file') continue;
      if (current && JSON.stringify(current.schedule.config) === JSON.stringify(config)) continue;
      try {
        await this.registry.register(id, 'api', this.registry.compile(id, config, 'api'), fromNow);
      } catch (error) {
        this.logger.error(`Stored job ${id} cannot be scheduled: ${message(error)}`);
      }
    }
    for (const job of this.registry.all()) {
      if (job.source === 'api' && job.schedule.persisted && !ids.has(job.id)) this.registry.remove(job.id);
    }
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
