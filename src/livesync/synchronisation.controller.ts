import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { toQueryResult, type QueryParams } from '../audit/crest-query.result';
import { parseQueryParams } from '../core/crest/query-params.parser';
import type { QueryResult } from '../core/crest/query-request';
import { notFound } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';
import {
  SYNCHRONISATION_COLLECTIONS,
  SynchronisationStore,
  type SynchronisationCollection,
  type SynchronisationDocument,
} from './synchronisation.store';

type Resource = JsonObject & { _id: string; _rev: string };

/**
 * OpenIDM's `repo/synchronisation` (admin only): live-sync tokens at `pooledSyncStage/<ID>` and dead letters
 * at `deadLetterQueue/<system>/<token>`, each collection queryable with `_queryFilter`.
 */
@ApiTags('repo')
@ApiSecurity('openidm-headers')
@Controller('openidm/repo/synchronisation')
export class SynchronisationController {
  constructor(private readonly store: SynchronisationStore) {}

  @Get(':collection')
  async query(
    @Param('collection') collection: string,
    @Query() query: QueryParams,
  ): Promise<QueryResult<Record<string, unknown>>> {
    const request = parseQueryParams(query);
    const page = await this.store.query(known(collection), request);
    return toQueryResult(request, page, (id, rev, doc) => ({ _id: id, _rev: String(rev), ...doc }));
  }

  @Get('pooledSyncStage/:id')
  readStage(@Param('id') id: string): Promise<Resource> {
    return this.read('pooledSyncStage', id);
  }

  @Get('deadLetterQueue/:system/:token')
  readDeadLetter(@Param('system') system: string, @Param('token') token: string): Promise<Resource> {
    return this.read('deadLetterQueue', `${system}/${token}`);
  }

  @Delete('deadLetterQueue/:system/:token')
  async removeDeadLetter(@Param('system') system: string, @Param('token') token: string): Promise<Resource> {
    const removed = await this.store.remove('deadLetterQueue', `${system}/${token}`);
    if (!removed) throw missing('deadLetterQueue', `${system}/${token}`);
    return toResource(removed);
  }

  private async read(collection: SynchronisationCollection, id: string): Promise<Resource> {
    const stored = await this.store.read(collection, id);
    if (!stored) throw missing(collection, id);
    return toResource(stored);
  }
}

function known(collection: string): SynchronisationCollection {
  const found = SYNCHRONISATION_COLLECTIONS.find((name) => name === collection);
  if (!found) throw notFound(`No such collection repo/synchronisation/${collection}`);
  return found;
}

function missing(collection: string, id: string) {
  return notFound(`Object ${id} not found in repo/synchronisation/${collection}`);
}

function toResource(stored: SynchronisationDocument): Resource {
  return { _id: stored.id, _rev: String(stored.rev), ...stored.doc };
}
