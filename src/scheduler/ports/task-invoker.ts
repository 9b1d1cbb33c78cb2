import type { Schedule } from '../../core/schedule/schedule';
import type { JsonObject } from '../../core/sync/script';

/** A job as the scheduler runs it: its id and its validated schedule. */
export interface ScheduledJob {
  readonly id: string;
  readonly schedule: Schedule;
}

/** One fire of a job. */
export interface FireContext {
  /** The planned fire instant (ISO 8601), the key of the claim. */
  readonly scheduledFireTime: string;
  /** When this node started the run (ISO 8601). */
  readonly actualFireTime: string;
  readonly nodeId: string;
}

/** What a run produced: the recon it ran, and a state other than SUCCESS when the work did not succeed. */
export interface TaskResult {
  readonly reconId?: string;
  /** `SUCCESS` when omitted; `FAILED`, `CANCELED`, ... are recorded as the run's state. */
  readonly state?: string;
}

/**
 * Port: what a fire does. Rejecting marks the run FAILED with the error's message; the scheduler never
 * crashes on it. Bound by SchedulerModule to ServiceTaskInvoker, which dispatches on `invokeService`.
 */
export abstract class ScheduledTaskInvoker {
  abstract invoke(job: ScheduledJob, fire: FireContext): Promise<TaskResult>;
}

export interface ReconLaunchOptions {
  /** `recon` (OpenIDM's legacy `reconcile` too) or `reconById` with `ids`. */
  readonly action: 'recon' | 'reconById';
  readonly ids: readonly string[];
  /** The job that started the run, for the recon's audit ("Reconciliation initiated by scheduler/job/<id>"). */
  readonly jobId: string;
  readonly fire: FireContext;
}

/**
 * Port for the sync engine: runs a reconciliation and resolves when it has ended (a scheduled recon runs
 * to its end inside the job, so `concurrentExecution:false` prevents overlapping runs). `mapping` is a
 * mapping name of sync.json or an inline mapping object. The run must appear in `GET /openidm/recon`.
 * Resolve with the recon id and final state (`SUCCESS`, `FAILED`, `CANCELED`); reject only when no run
 * could be started (unknown mapping).
 */
export abstract class ReconLauncher {
  abstract runToCompletion(
    mapping: string | JsonObject,
    options: ReconLaunchOptions,
  ): Promise<{ readonly reconId: string; readonly state: string }>;
}

/**
 * Port for live sync: polls `source` (`system/ldap/account`) once for changes since its stored sync token
 * and applies them; resolves when done. Implementations keep one poller per source across the cluster.
 */
export abstract class LiveSyncLauncher {
  abstract liveSync(source: string, fire: FireContext): Promise<{ readonly state?: string }>;
}
