import { All, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { QueryParams } from '../audit/crest-query.result';
import type { QueryResult } from '../core/crest/query-request';
import { DomainError, badRequest } from '../core/errors/domain-error';
import { SyncQueueService, type QueueResource } from './sync-queue.service';

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw badRequest('A query parameter was given more than once');
    return value[0];
  }
  return value;
}

/**
 * The implicit-sync delivery queue and its dead-letter list (admin only): `GET /openidm/sync/queue?_queryFilter=…`
 * (e.g. `state eq "dead"`), `GET|DELETE /openidm/sync/queue/<id>`, `POST /openidm/sync/queue/<id>?_action=retry`.
 */
@ApiTags('sync')
@ApiSecurity('openidm-headers')
@Controller('openidm/sync/queue')
export class SyncQueueController {
  constructor(private readonly queue: SyncQueueService) {}

  @Get()
  query(@Query() query: QueryParams): Promise<QueryResult<Record<string, unknown>>> {
    return this.queue.query(query);
  }

  @Get(':id')
  read(@Param('id') id: string): Promise<QueueResource> {
    return this.queue.read(id);
  }

  @Post(':id')
  @HttpCode(200)
  action(@Param('id') id: string, @Query() query: QueryParams): Promise<QueueResource> {
    return this.queue.action(id, single(query._action));
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<QueueResource> {
    return this.queue.remove(id);
  }

  @All()
  collectionMethodNotAllowed(): never {
    throw new DomainError(
      'METHOD_NOT_ALLOWED',
      'Method not allowed on sync/queue; use GET with _queryFilter',
    );
  }

  @All(':id')
  entryMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a queued change');
  }
}
