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
import { single, type QueryParams } from '../http/crest-params';
import { parseIfNoneMatchForPut } from '../core/crest/revision';
import { DomainError, badRequest } from '../core/errors/domain-error';
import type { SystemObject } from '../connectors/system-connector.port';
import { writeQueryStream } from './query-stream.writer';
import { SystemService } from './system.service';
import { LiveSyncAction } from '../livesync/live-sync.action';

/**
 * Objects of a connected system (shared/reference/openidm-sync-facts.md §8.1):
 * `/openidm/system/<name>/<objectType>[/<id>]`. System objects carry no revision, so there is no ETag and
 * If-Match is not checked (OpenICF connectors have no MVCC either).
 */
@ApiTags('system')
@ApiSecurity('openidm-headers')
@Controller('openidm/system')
export class SystemObjectsController {
  constructor(
    private readonly system: SystemService,
    private readonly liveSync: LiveSyncAction,
  ) {}

  @Get(':name/:type')
  async query(
    @Param('name') name: string,
    @Param('type') type: string,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    const request = this.system.parseQuery(query);
    if (request.pageSize > 0) {
      res.json(await this.system.queryPage(name, type, request));
      return;
    }
    await writeQueryStream(res, this.system.queryStream(name, type, request));
  }

  @Post(':name/:type')
  @HttpCode(200)
  async collectionAction(
    @Param('name') name: string,
    @Param('type') type: string,
    @Query() query: QueryParams,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const action = single(query._action);
    switch (action) {
      // CREST 2.1 treats a POST without `_action` on a collection as a create too.
      case undefined:
      case 'create':
        return sendCreated(res, name, type, await this.system.create(name, type, body ?? {}));
      case 'authenticate':
        return this.system.authenticate(name, type, single(query.username), single(query.password));
      case 'liveSync':
        return this.liveSync.onObjectType(name, type);
      default:
        throw badRequest(
          `Action '${action}' is not supported on system/${name}/${type}; supported: create, authenticate, liveSync`,
        );
    }
  }

  @Get(':name/:type/:id')
  read(
    @Param('name') name: string,
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: QueryParams,
  ): Promise<SystemObject> {
    return this.system.read(name, type, id, single(query._fields));
  }

  @Put(':name/:type/:id')
  async put(
    @Param('name') name: string,
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SystemObject> {
    if (parseIfNoneMatchForPut(ifNoneMatch) === 'create-only') {
      return sendCreated(res, name, type, await this.system.createOnly(name, type, id, body ?? {}));
    }
    return this.system.update(name, type, id, body ?? {});
  }

  @Patch(':name/:type/:id')
  patch(
    @Param('name') name: string,
    @Param('type') type: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<SystemObject> {
    return this.system.patch(name, type, id, body);
  }

  @Post(':name/:type/:id')
  @HttpCode(200)
  objectAction(
    @Param('name') name: string,
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Body() body: unknown,
  ): Promise<SystemObject> {
    const action = single(query._action);
    if (action !== 'patch') {
      throw badRequest(
        `Action '${action ?? ''}' is not supported on system/${name}/${type}/${id}; supported: patch`,
      );
    }
    return this.system.patch(name, type, id, body);
  }

  @Delete(':name/:type/:id')
  delete(
    @Param('name') name: string,
    @Param('type') type: string,
    @Param('id') id: string,
  ): Promise<SystemObject> {
    return this.system.delete(name, type, id);
  }

  // Declared last: Express matches routes in order, so these only catch methods the routes above do not serve.
  @All(':name/:type')
  collectionMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a system object collection');
  }

  @All(':name/:type/:id')
  objectMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Method not allowed on a system object');
  }
}

function sendCreated(res: Response, name: string, type: string, object: SystemObject): SystemObject {
  res.status(201);
  res.setHeader(
    'Location',
    `/openidm/system/${[name, type, object._id].map((part) => encodeURIComponent(part)).join('/')}`,
  );
  return object;
}
