import { Injectable } from '@nestjs/common';
import { badRequest } from '../core/errors/domain-error';
import { LiveSyncService, type SyncStage } from './live-sync.service';

/**
 * `_action=liveSync` for the system controllers (src/system/), which own the `/openidm/system/...` routes:
 * `POST /openidm/system/<name>/<type>?_action=liveSync` and `POST /openidm/system?_action=liveSync&source=…`.
 * The reply is the source's stored stage (`{_id, _rev, connectorData: {nativeType, syncToken}, lastException?}`).
 */
@Injectable()
export class LiveSyncAction {
  constructor(private readonly liveSync: LiveSyncService) {}

  /** `POST /openidm/system/<name>/<type>?_action=liveSync`. */
  onObjectType(name: string, type: string): Promise<SyncStage> {
    return this.liveSync.liveSync(`system/${name}/${type}`);
  }

  /** `POST /openidm/system?_action=liveSync&source=system/<name>/<type>`. */
  onSystem(source: string | undefined): Promise<SyncStage> {
    if (source === undefined) throw badRequest('liveSync on system needs the source parameter');
    return this.liveSync.liveSync(source);
  }
}
