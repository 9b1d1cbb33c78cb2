import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { QueryResult } from '../core/crest/query-request';
import type { QueryParams } from './crest-query.result';
import { RepoLinkService } from './repo-link.service';

/** OpenIDM's `repo/link` (openidm-sync-facts.md §3): the links between source and target objects; admin only. */
@ApiTags('repo')
@ApiSecurity('openidm-headers')
@Controller('openidm/repo/link')
export class RepoLinkController {
  constructor(private readonly links: RepoLinkService) {}

  @Post()
  @HttpCode(200)
  action(@Query() query: QueryParams): Promise<{ deleted: number }> {
    return this.links.action(query);
  }

  @Get()
  query(@Query() query: QueryParams): Promise<QueryResult<Record<string, unknown>>> {
    return this.links.query(query);
  }
}
