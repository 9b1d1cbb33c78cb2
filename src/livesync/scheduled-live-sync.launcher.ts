import { Injectable } from '@nestjs/common';
import { LiveSyncLauncher, type FireContext } from '../scheduler/ports/task-invoker';
import { LiveSyncService } from './live-sync.service';

/** A `provisioner` schedule's `{action: "liveSync", source}`: one live-sync pass, run to its end inside the job. */
@Injectable()
export class ScheduledLiveSyncLauncher extends LiveSyncLauncher {
  constructor(private readonly service: LiveSyncService) {
    super();
  }

  async liveSync(source: string, _fire: FireContext): Promise<{ state?: string }> {
    await this.service.liveSync(source);
    return {};
  }
}
