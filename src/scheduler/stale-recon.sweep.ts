import { Injectable, Logger } from '@nestjs/common';
import { failedRunSummary, judgeStaleRun } from '../core/cluster/stale-recon-run';
import { StaleReconStore } from './ports/stale-recon.store';
import { SchedulerSettings } from './scheduler.settings';

/**
 * Ends FAILED the recon runs of nodes that died (SIGKILL, power loss, a partition): their runner will never
 * write the end itself, so without this sweep they would stay ACTIVE in `GET /openidm/recon` and the SSE
 * stream of every node would follow them forever. Every live node sweeps with its heartbeat; two nodes
 * failing the same run at once is harmless, as only one UPDATE finds it still ACTIVE.
 */
@Injectable()
export class StaleReconSweep {
  private readonly logger = new Logger('Cluster');

  constructor(
    private readonly settings: SchedulerSettings,
    private readonly runs: StaleReconStore,
  ) {}

  /** Returns the ids of the runs this node marked FAILED. */
  async sweep(): Promise<string[]> {
    const staleAfterMs = this.settings.reconStaleAfterMs;
    const policy = { staleAfterMs, nodeTimeoutMs: this.settings.nodeTimeoutMs };
    const failed: string[] = [];
    for (const run of await this.runs.staleRuns(staleAfterMs)) {
      const verdict = judgeStaleRun(run, policy);
      if (!verdict.fail) continue;
      const summary = failedRunSummary(run.summary, {
        reason: verdict.reason,
        by: this.settings.nodeId,
        endedMs: run.nowMs,
      });
      if (!(await this.runs.failRun(run.reconId, summary, staleAfterMs))) continue;
      failed.push(run.reconId);
      this.logger.warn(`Reconciliation ${run.reconId} (${run.mapping}) marked FAILED: ${verdict.reason}`);
    }
    return failed;
  }
}
