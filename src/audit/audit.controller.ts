import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { QueryResult } from '../core/crest/query-request';
import type { AuditEvent } from '../sync/ports/audit.store';
import { AuditService } from './audit.service';
import type { QueryParams } from './crest-query.result';

/** Audit events of reconciliation, sync and managed-object activity (openidm-sync-facts.md §9); admin only. */
@ApiTags('audit')
@ApiSecurity('openidm-headers')
@Controller('openidm/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get(':topic')
  query(
    @Param('topic') topic: string,
    @Query() query: QueryParams,
  ): Promise<QueryResult<Record<string, unknown>>> {
    return this.audit.query(topic, query);
  }

  @Get(':topic/:id')
  read(@Param('topic') topic: string, @Param('id') id: string): Promise<AuditEvent> {
    return this.audit.read(topic, id);
  }
}
