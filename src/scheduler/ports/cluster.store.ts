/** A node as `GET /openidm/cluster` lists it. */
export interface ClusterNode {
  readonly nodeId: string;
  /** `running` (heart-beating), `down` (heartbeat older than the timeout) or `stopped` (left gracefully). */
  readonly state: 'running' | 'down' | 'stopped';
  readonly host: string;
  readonly pid: number;
  readonly startedMs: number;
  readonly heartbeatMs: number;
  readonly stoppedMs: number | null;
}

export interface NodeIdentity {
  readonly nodeId: string;
  readonly host: string;
  readonly pid: number;
}

/** Port: cluster membership on the shared database. */
export abstract class ClusterStore {
  /** Registers (or re-registers after a restart) this node as running; returns the previous row if any. */
  abstract join(node: NodeIdentity): Promise<ClusterNode | null>;
  abstract heartbeat(nodeId: string): Promise<void>;
  abstract leave(nodeId: string): Promise<void>;
  /** Every node ever seen, `down` when its heartbeat is older than `staleMs`. */
  abstract list(staleMs: number): Promise<ClusterNode[]>;
}
