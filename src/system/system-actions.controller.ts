import { All, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DomainError, badRequest } from '../core/errors/domain-error';
import type { ConnectorTestReport } from './connector-descriptor';
import { single, type QueryParams } from '../http/crest-params';
import { SystemService } from './system.service';
import { LiveSyncAction } from '../livesync/live-sync.action';
import type { SyncStage } from '../livesync/live-sync.service';

/** Connector-level actions: `POST /openidm/system?_action=test` and `POST /openidm/system/<name>?_action=test`. */
@ApiTags('system')
@ApiSecurity('openidm-headers')
@Controller('openidm/system')
export class SystemActionsController {
  constructor(
    private readonly system: SystemService,
    private readonly liveSync: LiveSyncAction,
  ) {}

  @Post()
  @HttpCode(200)
  testAll(@Query() query: QueryParams): Promise<ConnectorTestReport[] | SyncStage> {
    const action = single(query._action);
    if (action === 'liveSync') return this.liveSync.onSystem(single(query.source));
    if (action !== 'test')
      throw badRequest(`Action '${action ?? ''}' is not supported on system; supported: test, liveSync`);
    return this.system.testAll();
  }

  @Post(':name')
  @HttpCode(200)
  test(@Param('name') name: string, @Query() query: QueryParams): Promise<ConnectorTestReport> {
    const action = single(query._action);
    if (action !== 'test') {
      throw badRequest(`Action '${action ?? ''}' is not supported on system/${name}; supported: test`);
    }
    return this.system.test(name);
  }

  @All()
  systemMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on system; use POST ?_action=test');
  }

  @All(':name')
  connectorMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a connector; use POST ?_action=test');
  }
}
