import { Injectable } from '@nestjs/common';
import { StaleReconStore, type StaleReconRun } from '../scheduler/ports/stale-recon.store';
import { SqlDatabase } from './sql-database';

const epochMs = (column: string): string => `round(extract(epoch FROM ${column}) * 1000)::float8`;

interface StaleRow {
  id: string;
  mapping: string;
  node_id: string;
  run_heartbeat_ms: number;
  node_state: string | null;
  node_heartbeat_ms: number | null;
  node_stopped_ms: number | null;
  now_ms: number;
  summary: Record<string, unknown>;
}

/**
 * The stale-run sweep's view of `recon_runs` (migration 0003) beside `cluster_nodes` (0005). Ages are
 * measured with the database clock, as the runs' and nodes' heartbeats are written with it.
 */
@Injectable()
export class ReconRunSweepRepository extends StaleReconStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async staleRuns(staleAfterMs: number): Promise<StaleReconRun[]> {
    const rows = await this.db.query<StaleRow>(
      `SELECT r.id, r.mapping, r.node_id, r.summary, ${epochMs('r.heartbeat_at')} AS run_heartbeat_ms,
              n.state AS node_state, ${epochMs('n.heartbeat_at')} AS node_heartbeat_ms,
              ${epochMs('n.stopped_at')} AS node_stopped_ms, ${epochMs('clock_timestamp()')} AS now_ms
       FROM recon_runs r LEFT JOIN cluster_nodes n ON n.node_id = r.node_id
       WHERE r.state = 'ACTIVE' AND r.heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond'
       ORDER BY r.started_at, r.id`,
      [staleAfterMs],
    );
    return rows.map((row) => ({
      reconId: row.id,
      mapping: row.mapping,
      nodeId: row.node_id,
      runHeartbeatMs: Number(row.run_heartbeat_ms),
      node:
        row.node_state === null
          ? null
          : {
              state: row.node_state === 'stopped' ? 'stopped' : 'running',
              heartbeatMs: Number(row.node_heartbeat_ms),
              stoppedMs: row.node_stopped_ms === null ? null : Number(row.node_stopped_ms),
            },
      nowMs: Number(row.now_ms),
      summary: row.summary,
    }));
  }

  async failRun(reconId: string, summary: Record<string, unknown>, staleAfterMs: number): Promise<boolean> {
    // The staleness is checked again in the UPDATE: a run that wrote progress since it was read is left alone.
    const rows = await this.db.query(
      `UPDATE recon_runs SET state = 'FAILED', summary = $2::jsonb, cancel_requested = true
       WHERE id = $1 AND state = 'ACTIVE' AND heartbeat_at < clock_timestamp() - $3 * interval '1 millisecond'
       RETURNING id`,
      [reconId, JSON.stringify(summary), staleAfterMs],
    );
    return rows.length > 0;
  }
}
