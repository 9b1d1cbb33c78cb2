import { RECON_STAGES } from '../sync/recon-stage';

/** The owning node's membership row, as `cluster_nodes` has it (database clock, epoch ms). */
export interface OwnerNodeFacts {
  readonly state: 'running' | 'stopped';
  readonly heartbeatMs: number;
  readonly stoppedMs: number | null;
}

/** What the sweep knows of one ACTIVE recon run whose progress heartbeat is old. */
export interface StaleRunFacts {
  readonly nodeId: string;
  /** The run's last progress write, epoch ms. */
  readonly runHeartbeatMs: number;
  /** Null when the node is not a member of the cluster (it never joined, or its row was removed). */
  readonly node: OwnerNodeFacts | null;
  /** The database clock now, epoch ms: every node judges with the same clock. */
  readonly nowMs: number;
}

export interface StaleRunPolicy {
  /** A run that wrote no progress for longer is suspect (`CONCORD_RECON_STALE_AFTER_MS`). */
  readonly staleAfterMs: number;
  /** A node silent for longer is down (the cluster's own notion, `nodeTimeoutMs`). */
  readonly nodeTimeoutMs: number;
}

export type StaleRunVerdict = { readonly fail: false } | { readonly fail: true; readonly reason: string };

const KEEP: StaleRunVerdict = { fail: false };
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Whether another node should end a recon run FAILED. A run writes its progress about once a second; a run
 * that stopped writing is only failed when its node is gone too (silent past the node timeout, or left),
 * because a live node still owns its run: it may be slow to write (a busy database), and the node itself
 * marks its interrupted runs FAILED when it restarts.
 */
export function judgeStaleRun(facts: StaleRunFacts, policy: StaleRunPolicy): StaleRunVerdict {
  if (facts.nowMs - facts.runHeartbeatMs <= policy.staleAfterMs) return KEEP;
  const { node, nodeId } = facts;
  if (node === null) {
    return { fail: true, reason: `node ${nodeId} stopped heart-beating at ${iso(facts.runHeartbeatMs)}` };
  }
  if (node.state === 'stopped') {
    const at = iso(node.stoppedMs ?? node.heartbeatMs);
    return { fail: true, reason: `node ${nodeId} left the cluster at ${at} while the run was active` };
  }
  if (facts.nowMs - node.heartbeatMs > policy.nodeTimeoutMs) {
    return { fail: true, reason: `node ${nodeId} stopped heart-beating at ${iso(node.heartbeatMs)}` };
  }
  return KEEP;
}

/**
 * The §4.3 summary of a run ended by node `by`: FAILED with the reason as its error, as the owning node
 * would have written it had it ended the run itself (stage, description, end time, duration).
 */
export function failedRunSummary<S extends Record<string, unknown>>(
  summary: S,
  ending: { readonly reason: string; readonly by: string; readonly endedMs: number },
): S {
  const { reason, by, endedMs } = ending;
  const started = typeof summary['started'] === 'string' ? Date.parse(summary['started']) : NaN;
  return {
    ...summary,
    state: 'FAILED',
    stage: 'COMPLETED_FAILED',
    stageDescription: RECON_STAGES.COMPLETED_FAILED,
    ended: iso(endedMs),
    duration: Number.isNaN(started) ? summary['duration'] : Math.max(0, endedMs - started),
    error: { message: `${reason}; marked FAILED by node ${by}` },
  };
}
