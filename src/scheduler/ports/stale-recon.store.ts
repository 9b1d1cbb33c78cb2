import type { OwnerNodeFacts } from '../../core/cluster/stale-recon-run';

/** An ACTIVE recon run whose last progress write is old, with its owning node's membership. */
export interface StaleReconRun {
  readonly reconId: string;
  readonly mapping: string;
  readonly nodeId: string;
  /** The run's last progress write, epoch ms. */
  readonly runHeartbeatMs: number;
  readonly node: OwnerNodeFacts | null;
  /** The database clock when the row was read, epoch ms. */
  readonly nowMs: number;
  /** The run's last saved §4.3 summary. */
  readonly summary: Record<string, unknown>;
}

/** Port: the recon runs as the cluster's stale-run sweep sees them (persistence/recon-run-sweep.repository.ts). */
export abstract class StaleReconStore {
  /** ACTIVE runs that wrote no progress for longer than `staleAfterMs` (database clock). */
  abstract staleRuns(staleAfterMs: number): Promise<StaleReconRun[]>;
  /**
   * Ends the run with `summary` (FAILED) if it is still ACTIVE and still wrote nothing for `staleAfterMs`;
   * false when it moved on meanwhile. Also asks the run to cancel, so that a runner that was only frozen
   * stops when it wakes up instead of working on under a FAILED summary.
   */
  abstract failRun(reconId: string, summary: Record<string, unknown>, staleAfterMs: number): Promise<boolean>;
}
