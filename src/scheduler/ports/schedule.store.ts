import type { FireDecision } from '../../core/schedule/fire-decision';
import type { ScheduleConfig } from '../../core/schedule/schedule-config.schema';

/** `cluster` for persisted jobs (one fire per instant across nodes); a node id for jobs every node fires. */
export type FireScope = 'cluster' | (string & {});

export type RunState = 'ACTIVE' | 'SUCCESS' | 'FAILED' | 'SKIPPED' | (string & {});

/** One claimed fire of a job: the run history as `GET /openidm/scheduler/job/<id>` shows its last entry. */
export interface RunRecord {
  readonly jobId: string;
  readonly scope: FireScope;
  readonly fireMs: number;
  readonly nodeId: string;
  readonly state: RunState;
  readonly startedMs: number;
  readonly endedMs: number | null;
  readonly reconId: string | null;
  readonly message: string | null;
}

export interface ClaimRequest {
  readonly jobId: string;
  readonly scope: FireScope;
  readonly nodeId: string;
  /** False for `concurrentExecution:false`: the winner also needs the job's lease, else the fire is SKIPPED. */
  readonly concurrent: boolean;
  /** How long a lease holds without being refreshed by its node's heartbeat. */
  readonly leaseMs: number;
  /** Decides, while the job is locked, from the latest fire claimed so far and the cluster's pause switch. */
  decide(lastFiredMs: number | null, paused: boolean): FireDecision;
}

export interface ClaimOutcome {
  readonly decision: FireDecision;
  /** `run`: this node runs the fire; `skipped`: claimed but another run still holds the lease; `none`: no fire. */
  readonly outcome: 'run' | 'skipped' | 'none';
}

export interface RunEnd {
  readonly state: RunState;
  readonly reconId?: string;
  readonly message?: string;
}

export interface StoredJob {
  readonly id: string;
  readonly config: ScheduleConfig;
}

/**
 * Port: the scheduler's job store on the shared database. Claims are exclusive per (job, scope, instant)
 * however many nodes race for them; leases keep non-concurrent jobs from overlapping across nodes.
 */
export abstract class ScheduleStore {
  abstract claim(request: ClaimRequest): Promise<ClaimOutcome>;
  abstract finishRun(jobId: string, scope: FireScope, fireMs: number, end: RunEnd): Promise<void>;
  abstract lastFired(jobId: string, scope: FireScope): Promise<number | null>;
  /** The latest run of each job, looked up in the given scopes (the cluster's and this node's). */
  abstract lastRuns(scopes: readonly FireScope[]): Promise<Map<string, RunRecord>>;
  abstract runs(jobId: string, limit: number): Promise<RunRecord[]>;
  abstract activeRuns(): Promise<RunRecord[]>;
  /** Extends the leases this node holds (called with its heartbeat). */
  abstract refreshLeases(nodeId: string, leaseMs: number): Promise<void>;
  /** Marks ACTIVE runs of nodes whose heartbeat is older than `staleMs` FAILED; returns how many. */
  abstract failRunsOfSilentNodes(staleMs: number): Promise<number>;
  /** Marks this node's own ACTIVE runs FAILED and drops its leases (start-up after a crash, or leaving). */
  abstract abandonRuns(nodeId: string, message: string): Promise<number>;
  abstract pruneRunsBefore(beforeMs: number): Promise<void>;
  abstract listJobs(): Promise<StoredJob[]>;
  abstract saveJob(job: StoredJob): Promise<void>;
  abstract deleteJob(id: string): Promise<boolean>;
  abstract setPaused(paused: boolean): Promise<void>;
  abstract isPaused(): Promise<boolean>;
}
