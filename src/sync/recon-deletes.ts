import { checkDeleteThreshold } from '../core/sync/delete-threshold';
import { executeAction } from './action.executor';
import { forEachConcurrently } from './async-pool';
import type { ReconProgress } from './recon-progress';
import { failedOutcome, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';

export interface DeferredDeletesOptions {
  /** The request said `confirmDeletes=true`. */
  readonly confirmed: boolean;
  /** Size of the target set, for the threshold's `percent`; null when not queried. */
  readonly targetTotal: number | null;
  readonly progress: ReconProgress;
  readonly finish: (outcome: SyncOutcome) => void;
}

/**
 * Delete safety (issue 5 item 8): the DELETE/UNLINK a run deferred are performed only when their number is
 * within the mapping's `deleteThreshold` or the request confirmed them. Otherwise none is performed, each
 * is recorded as a FAILURE "Not performed", the planned figures go into the summary, and the message
 * saying why (and how to go ahead) is returned so the run ends FAILED. Null when the deletes went through.
 */
export async function settleDeferredDeletes(
  run: SyncRun,
  deferred: readonly PlannedOperation[],
  options: DeferredDeletesOptions,
): Promise<string | null> {
  if (deferred.length === 0) return null;
  const verdict = checkDeleteThreshold(run.mapping.deleteThreshold, deferred.length, options.targetTotal);
  options.progress.extra['deleteThreshold'] = {
    limit: verdict.limit,
    planned: verdict.planned,
    exceeded: verdict.exceeded,
    confirmed: options.confirmed,
  };
  if (verdict.exceeded && !options.confirmed) {
    const message = verdict.message ?? 'Delete threshold exceeded';
    for (const plan of deferred) {
      const notDone = new Error(`Not performed: ${message}`);
      options.finish(failedOutcome(plan.phase, plan.linkQualifier, plan, notDone, plan));
    }
    return message;
  }
  const now: SyncRun = { ...run, deferDestructive: false };
  await forEachConcurrently(deferred, run.mapping.taskThreads, async (plan) => {
    try {
      options.finish(await executeAction(now, plan));
    } catch (error) {
      options.finish(failedOutcome(plan.phase, plan.linkQualifier, plan, error, plan));
    }
  });
  return null;
}
