import { Injectable } from '@nestjs/common';
import { ClusterStore, type ClusterNode, type NodeIdentity } from '../scheduler/ports/cluster.store';
import { SqlDatabase } from './sql-database';

const epochMs = (column: string): string => `round(extract(epoch FROM ${column}) * 1000)::float8`;

interface NodeRow {
  node_id: string;
  state: string;
  silent: boolean;
  host: string;
  pid: number;
  started_ms: number;
  heartbeat_ms: number;
  stopped_ms: number | null;
}

const NODE_COLUMNS = `node_id, state, host, pid, ${epochMs('started_at')} AS started_ms,
  ${epochMs('heartbeat_at')} AS heartbeat_ms, ${epochMs('stopped_at')} AS stopped_ms`;

/** Cluster membership in `cluster_nodes`; heartbeats use the database clock, so node clocks may drift. */
@Injectable()
export class ClusterNodeRepository extends ClusterStore {
  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async join(node: NodeIdentity): Promise<ClusterNode | null> {
    return this.db.transaction(async (tx) => {
      const [previous] = await tx.query<NodeRow>(
        `SELECT ${NODE_COLUMNS}, heartbeat_at < clock_timestamp() - interval '10 seconds' AS silent
         FROM cluster_nodes WHERE node_id = $1 FOR UPDATE`,
        [node.nodeId],
      );
      await tx.query(
        `INSERT INTO cluster_nodes (node_id, state, host, pid, started_at, heartbeat_at)
         VALUES ($1, 'running', $2, $3, clock_timestamp(), clock_timestamp())
         ON CONFLICT (node_id) DO UPDATE SET state = 'running', host = EXCLUDED.host, pid = EXCLUDED.pid,
           started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, stopped_at = NULL`,
        [node.nodeId, node.host, node.pid],
      );
      return previous === undefined ? null : toNode(previous);
    });
  }

  async heartbeat(nodeId: string): Promise<void> {
    await this.db.query(
      `UPDATE cluster_nodes SET heartbeat_at = clock_timestamp() WHERE node_id = $1 AND state = 'running'`,
      [nodeId],
    );
  }

  async leave(nodeId: string): Promise<void> {
    await this.db.query(
      `UPDATE cluster_nodes SET state = 'stopped', stopped_at = clock_timestamp() WHERE node_id = $1`,
      [nodeId],
    );
  }

  async list(staleMs: number): Promise<ClusterNode[]> {
    const rows = await this.db.query<NodeRow>(
      `SELECT ${NODE_COLUMNS}, heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond' AS silent
       FROM cluster_nodes ORDER BY node_id`,
      [staleMs],
    );
    return rows.map(toNode);
  }
}

function toNode(row: NodeRow): ClusterNode {
  return {
    nodeId: row.node_id,
    state: row.state === 'stopped' ? 'stopped' : row.silent ? 'down' : 'running',
    host: row.host,
    pid: Number(row.pid),
    startedMs: Number(row.started_ms),
    heartbeatMs: Number(row.heartbeat_ms),
    stoppedMs: row.stopped_ms === null ? null : Number(row.stopped_ms),
  };
}
