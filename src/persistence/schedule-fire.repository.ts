import { Injectable } from '@nestjs/common';
import type { ScheduleConfig } from '../core/schedule/schedule-config.schema';
import {
  ScheduleStore,
  type ClaimOutcome,
  type ClaimRequest,
  type FireScope,
  type RunEnd,
  type RunRecord,
  type StoredJob,
} from '../scheduler/ports/schedule.store';
import { SqlDatabase, type SqlExecutor } from './sql-database';

/** First key of the two-key advisory locks that serialize claims of one job (the second is its id's hash). */
const CLAIM_LOCK_SPACE = 726_190;

const at = (ms: number): string => new Date(ms).toISOString();
const epochMs = (column: string): string => `round(extract(epoch FROM ${column}) * 1000)::float8`;

const RUN_COLUMNS = `job_id, scope, node_id, state, recon_id, message,
  ${epochMs('fire_at')} AS fire_ms, ${epochMs('started_at')} AS started_ms, ${epochMs('ended_at')} AS ended_ms`;

interface RunRow {
  job_id: string;
  scope: string;
  node_id: string;
  state: string;
  recon_id: string | null;
  message: string | null;
  fire_ms: number;
  started_ms: number;
  ended_ms: number | null;
}

/**
 * The scheduler's job store in SQL (PostgreSQL, or PGlite for the single-node default). A claim locks the
 * job with a transaction-scoped advisory lock, reads the latest claimed fire, lets the caller decide, and
 * inserts the fire; the primary key of `schedule_fires` would refuse a second claim even without the lock.
 */
@Injectable()
export class ScheduleFireRepository extends ScheduleStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  claim(request: ClaimRequest): Promise<ClaimOutcome> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLAIM_LOCK_SPACE, request.jobId]);
      const [facts] = await tx.query<{ last_ms: number | null; paused: boolean }>(
        `SELECT (SELECT ${epochMs('max(fire_at)')} FROM schedule_fires WHERE job_id = $1 AND scope = $2) AS last_ms,
                EXISTS (SELECT 1 FROM scheduler_flags WHERE name = 'paused') AS paused`,
        [request.jobId, request.scope],
      );
      const decision = request.decide(facts?.last_ms ?? null, facts?.paused ?? false);
      if (decision.fireMs === null) return { decision, outcome: 'none' };
      const inserted = await tx.query(
        `INSERT INTO schedule_fires (job_id, scope, fire_at, node_id, state, started_at)
         VALUES ($1, $2, $3::timestamptz, $4, 'ACTIVE', clock_timestamp())
         ON CONFLICT DO NOTHING RETURNING job_id`,
        [request.jobId, request.scope, at(decision.fireMs), request.nodeId],
      );
      if (inserted.length === 0) return { decision: { ...decision, fireMs: null }, outcome: 'none' };
      if (request.concurrent || (await this.takeLease(tx, request, decision.fireMs))) {
        return { decision, outcome: 'run' };
      }
      return { decision, outcome: 'skipped' };
    });
  }

  /** Takes the job's lease unless a live run holds it; a run whose lease ran out lost its node: FAILED. */
  private async takeLease(tx: SqlExecutor, request: ClaimRequest, fireMs: number): Promise<boolean> {
    const [holder] = await tx.query<{ node_id: string; fire_ms: number; live: boolean }>(
      `SELECT node_id, ${epochMs('fire_at')} AS fire_ms, lease_until > clock_timestamp() AS live
       FROM schedule_leases WHERE job_id = $1`,
      [request.jobId],
    );
    if (holder?.live) {
      await tx.query(
        `UPDATE schedule_fires SET state = 'SKIPPED', ended_at = clock_timestamp(), message = $4
         WHERE job_id = $1 AND scope = $2 AND fire_at = $3::timestamptz`,
        [
          request.jobId,
          request.scope,
          at(fireMs),
          `not run: the fire of ${at(holder.fire_ms)} is still running on node ${holder.node_id} (concurrentExecution is false)`,
        ],
      );
      return false;
    }
    if (holder !== undefined) {
      await tx.query(
        `UPDATE schedule_fires SET state = 'FAILED', ended_at = clock_timestamp(), message = $4
         WHERE job_id = $1 AND scope = $2 AND fire_at = $3::timestamptz AND state = 'ACTIVE'`,
        [request.jobId, request.scope, at(holder.fire_ms), `node ${holder.node_id} stopped heart-beating`],
      );
    }
    await tx.query(
      `INSERT INTO schedule_leases (job_id, node_id, fire_at, lease_until)
       VALUES ($1, $2, $3::timestamptz, clock_timestamp() + $4 * interval '1 millisecond')
       ON CONFLICT (job_id) DO UPDATE SET node_id = EXCLUDED.node_id, fire_at = EXCLUDED.fire_at,
         lease_until = EXCLUDED.lease_until`,
      [request.jobId, request.nodeId, at(fireMs), request.leaseMs],
    );
    return true;
  }

  async finishRun(jobId: string, scope: FireScope, fireMs: number, end: RunEnd): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE schedule_fires SET state = $4, ended_at = clock_timestamp(), recon_id = $5, message = $6
         WHERE job_id = $1 AND scope = $2 AND fire_at = $3::timestamptz AND state = 'ACTIVE'`,
        [jobId, scope, at(fireMs), end.state, end.reconId ?? null, end.message ?? null],
      );
      await tx.query('DELETE FROM schedule_leases WHERE job_id = $1 AND fire_at = $2::timestamptz', [
        jobId,
        at(fireMs),
      ]);
    });
  }

  async lastFired(jobId: string, scope: FireScope): Promise<number | null> {
    const [row] = await this.db.query<{ last_ms: number | null }>(
      `SELECT ${epochMs('max(fire_at)')} AS last_ms FROM schedule_fires WHERE job_id = $1 AND scope = $2`,
      [jobId, scope],
    );
    return row?.last_ms ?? null;
  }

  async lastRuns(scopes: readonly FireScope[]): Promise<Map<string, RunRecord>> {
    const rows = await this.db.query<RunRow>(
      `SELECT DISTINCT ON (job_id) ${RUN_COLUMNS} FROM schedule_fires
       WHERE scope = ANY($1::text[]) ORDER BY job_id, fire_at DESC`,
      [[...scopes]],
    );
    return new Map(rows.map((row) => [row.job_id, toRun(row)]));
  }

  async runs(jobId: string, limit: number): Promise<RunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM schedule_fires WHERE job_id = $1 ORDER BY fire_at DESC, scope LIMIT $2`,
      [jobId, limit],
    );
    return rows.map(toRun);
  }

  async activeRuns(): Promise<RunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM schedule_fires WHERE state = 'ACTIVE' ORDER BY fire_at, job_id`,
    );
    return rows.map(toRun);
  }

  async refreshLeases(nodeId: string, leaseMs: number): Promise<void> {
    await this.db.query(
      `UPDATE schedule_leases SET lease_until = clock_timestamp() + $2 * interval '1 millisecond'
       WHERE node_id = $1`,
      [nodeId, leaseMs],
    );
  }

  async failRunsOfSilentNodes(staleMs: number): Promise<number> {
    const rows = await this.db.query(
      `UPDATE schedule_fires f SET state = 'FAILED', ended_at = clock_timestamp(),
         message = 'node ' || f.node_id || ' stopped heart-beating'
       FROM cluster_nodes n
       WHERE f.state = 'ACTIVE' AND n.node_id = f.node_id AND n.state = 'running'
         AND n.heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond'
       RETURNING f.job_id`,
      [staleMs],
    );
    return rows.length;
  }

  async abandonRuns(nodeId: string, message: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE schedule_fires SET state = 'FAILED', ended_at = clock_timestamp(), message = $2
         WHERE node_id = $1 AND state = 'ACTIVE' RETURNING job_id`,
        [nodeId, message],
      );
      await tx.query('DELETE FROM schedule_leases WHERE node_id = $1', [nodeId]);
      return rows.length;
    });
  }

  async pruneRunsBefore(beforeMs: number): Promise<void> {
    // The latest fire of each job stays: it is what later claims and misfire decisions start from.
    await this.db.query(
      `DELETE FROM schedule_fires f WHERE f.fire_at < $1::timestamptz AND f.state <> 'ACTIVE'
         AND f.fire_at < (SELECT max(l.fire_at) FROM schedule_fires l WHERE l.job_id = f.job_id AND l.scope = f.scope)`,
      [at(beforeMs)],
    );
  }

  async listJobs(): Promise<StoredJob[]> {
    const rows = await this.db.query<{ id: string; config: ScheduleConfig }>(
      'SELECT id, config FROM scheduler_jobs ORDER BY id',
    );
    return rows.map((row) => ({ id: row.id, config: row.config }));
  }

  async saveJob(job: StoredJob): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_jobs (id, config) VALUES ($1, $2::jsonb)
       ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, updated_at = clock_timestamp()`,
      [job.id, JSON.stringify(job.config)],
    );
  }

  async deleteJob(id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM scheduler_jobs WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.db.query(
      paused
        ? `INSERT INTO scheduler_flags (name) VALUES ('paused') ON CONFLICT DO NOTHING`
        : `DELETE FROM scheduler_flags WHERE name = 'paused'`,
    );
  }

  async isPaused(): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM scheduler_flags WHERE name = 'paused'`);
    return rows.length > 0;
  }
}

function toRun(row: RunRow): RunRecord {
  return {
    jobId: row.job_id,
    scope: row.scope,
    fireMs: Number(row.fire_ms),
    nodeId: row.node_id,
    state: row.state,
    startedMs: Number(row.started_ms),
    endedMs: row.ended_ms === null ? null : Number(row.ended_ms),
    reconId: row.recon_id,
    message: row.message,
  };
}
