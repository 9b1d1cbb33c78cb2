import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../core/errors/domain-error';
import { isPlainObject } from '../core/json-pointer/json-pointer';
import { SyncService } from '../sync/sync.service';

type QueryParams = Record<string, string | string[] | undefined>;

/** `POST /openidm/sync?_action=performAction|getLinkedResources` (§5.6, §3); parameters in the URL or the body. */
@ApiTags('sync')
@ApiSecurity('openidm-headers')
@Controller('openidm/sync')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Post()
  @HttpCode(200)
  action(@Query() query: QueryParams, @Body() body: unknown): Promise<unknown> {
    const params: Record<string, unknown> = isPlainObject(body) ? { ...body } : {};
    for (const [key, value] of Object.entries(query)) {
      const one = Array.isArray(value) ? value[0] : value;
      if (one !== undefined) params[key] = one;
    }
    const action = params['_action'];
    if (typeof action !== 'string') throw badRequest('The _action parameter is required');
    return this.sync.action(action, params);
  }
}
