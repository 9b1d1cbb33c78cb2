import { Injectable } from '@nestjs/common';
import type { JsonObject } from '../core/sync/script';
import { badRequest } from '../core/errors/domain-error';
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
    if (typeof mapping !== 'string') {
      throw badRequest('Inline mappings in schedules are not supported yet; name a mapping of sync.json');
    }
    const started = await this.recon.start({
      mapping,
      reconAction: options.action,
      ids: options.ids,
      userId: `scheduler/job/${options.jobId}`,
    });
    const result = await started.done;
    return { reconId: started._id, state: String(result.summary.state) };
  }
}
