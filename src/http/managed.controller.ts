import {
  All,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { single, type QueryParams } from './crest-params';
import { parseIfMatch, parseIfNoneMatchForPut } from '../core/crest/revision';
import { badRequest, DomainError, preconditionFailed } from '../core/errors/domain-error';
import { ManagedService, type ManagedResource } from '../managed/managed.service';

/** OpenIDM's CREST API for managed objects (shared/reference/openidm-sync-facts.md §7.1). */
@ApiTags('managed')
@ApiSecurity('openidm-headers')
@Controller('openidm/managed')
export class ManagedController {
  constructor(private readonly managed: ManagedService) {}

  @Post(':type')
  async collectionAction(
    @Param('type') type: string,
    @Query() query: QueryParams,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    const action = single(query._action);
    if (action !== undefined && action !== 'create') {
      throw badRequest(`Action '${action}' is not supported on managed/${type}; supported: create`);
    }
    const created = await this.managed.create(type, single(query._id), orEmpty(body));
    return sendCreated(res, type, created);
  }

  @Get(':type')
  query(@Param('type') type: string, @Query() query: QueryParams): Promise<unknown> {
    return this.managed.query(type, query);
  }

  @Get(':type/:id')
  async read(
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    if (ifNoneMatch?.trim() === '*') throw preconditionFailed('If-None-Match: * is not allowed on a read');
    const resource = await this.managed.read(type, id, single(query._fields));
    res.setHeader('ETag', etag(resource));
    return resource;
  }

  @Put(':type/:id')
  async put(
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    const createOnly = parseIfNoneMatchForPut(ifNoneMatch) === 'create-only';
    if (createOnly && ifMatch !== undefined)
      throw preconditionFailed('If-Match and If-None-Match cannot both be given');
    if (createOnly) return sendCreated(res, type, await this.managed.create(type, id, orEmpty(body)));
    if (ifMatch !== undefined) {
      return withEtag(res, await this.managed.update(type, id, orEmpty(body), parseIfMatch(ifMatch)));
    }
    const { created, resource } = await this.managed.upsert(type, id, orEmpty(body));
    return created ? sendCreated(res, type, resource) : withEtag(res, resource);
  }

  @Patch(':type/:id')
  async patch(
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    if (ifNoneMatch !== undefined) throw badRequest('If-None-Match is not allowed on PATCH');
    return withEtag(res, await this.managed.patch(type, id, body, parseIfMatch(ifMatch)));
  }

  @Post(':type/:id')
  @HttpCode(200)
  async objectAction(
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    const action = single(query._action);
    if (action !== 'patch') {
      throw badRequest(
        `Action '${action ?? ''}' is not supported on managed/${type}/${id}; supported: patch`,
      );
    }
    return withEtag(res, await this.managed.patch(type, id, body, parseIfMatch(ifMatch)));
  }

  @Delete(':type/:id')
  async delete(
    @Param('type') type: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManagedResource> {
    return withEtag(res, await this.managed.delete(type, id, parseIfMatch(ifMatch)));
  }

  // Declared last: Express matches routes in order, so these only catch methods the routes above do not serve.
  @All(':type')
  collectionMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a managed object collection');
  }

  @All(':type/:id')
  objectMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a managed object');
  }
}

/** A request without a body is an empty object; a JSON `null` body stays null, so the service rejects it (400). */
function orEmpty(body: unknown): unknown {
  return body === undefined ? {} : body;
}

function etag(resource: ManagedResource): string {
  return `"${resource._rev}"`;
}

function withEtag(res: Response, resource: ManagedResource): ManagedResource {
  res.setHeader('ETag', etag(resource));
  return resource;
}

function sendCreated(res: Response, type: string, resource: ManagedResource): ManagedResource {
  res.status(201);
  res.setHeader(
    'Location',
    `/openidm/managed/${encodeURIComponent(type)}/${encodeURIComponent(resource._id)}`,
  );
  return withEtag(res, resource);
}
