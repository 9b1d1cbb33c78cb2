import { Injectable } from '@nestjs/common';
import type { JsonObject } from '../core/sync/script';
import { compileSyncConfig } from '../core/sync/sync-config.compiler';
import type { Mapping } from '../core/sync/sync-config.types';
import { ReconLauncher, type ReconLaunchOptions } from '../scheduler/ports/task-invoker';
import { ReconService } from './recon.service';

/**
 * Runs a scheduled reconciliation to its end inside the job (OpenIDM does the same), so a schedule with
 * `concurrentExecution: false` can never overlap two runs of its mapping.
 */
@Injectable()
export class ScheduledReconLauncher extends ReconLauncher {
  constructor(private readonly recon: ReconService) {
    super();
  }

  async runToCompletion(
    mapping: string | JsonObject,
    options: ReconLaunchOptions,
  ): Promise<{ reconId: string; state: string }> {
    const started = await this.recon.start({
      mapping: typeof mapping === 'string' ? mapping : compileInlineMapping(mapping, options.jobId),
      reconAction: options.action,
      ids: options.ids,
      userId: `scheduler/job/${options.jobId}`,
    });
    const result = await started.done;
    return { reconId: started._id, state: String(result.summary.state) };
  }
}

/**
 * A schedule's `invokeContext.mapping` given as an object is a whole mapping, validated as sync.json would
 * validate it; problems name the schedule. It stands alone, so it cannot share links with a sync.json mapping.
 */
function compileInlineMapping(mapping: JsonObject, jobId: string): Mapping {
  const [compiled] = compileSyncConfig({ mappings: [mapping] }, `schedule ${jobId} invokeContext.mapping`);
  if (compiled === undefined) throw new Error('compileSyncConfig returned no mapping for one input');
  return compiled;
}
