import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';
import { badRequest, conflict, DomainError } from '../core/errors/domain-error';
import { ReconService } from '../sync/recon.service';
import { ReconEventStream, wantsEventStream } from './recon-events.stream';

type QueryParams = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
const flag = (value: string | string[] | undefined): boolean => single(value)?.toLowerCase() === 'true';

/** OpenIDM's `/openidm/recon` (§4.2) plus Concord's dry run, per-entry results, delete safety and SSE progress. */
@ApiTags('recon')
@ApiSecurity('openidm-headers')
@Controller('openidm/recon')
export class ReconController {
  constructor(
    private readonly recon: ReconService,
    private readonly events: ReconEventStream,
  ) {}

  @Post()
  @HttpCode(200)
  async start(
    @Query() query: QueryParams,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<{ _id: string; state: string }> {
    const action = single(query._action);
    if (action !== 'recon' && action !== 'reconById') {
      throw badRequest(`Unknown action '${action ?? ''}' on recon; supported: recon, reconById`);
    }
    const mapping = single(query.mapping);
    if (mapping === undefined || mapping === '') throw badRequest('The mapping parameter is required');
    const ids = [query.ids, query.id].flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
    const started = await this.recon.start({
      mapping,
      reconAction: action,
      ...(action === 'reconById' ? { ids: ids.flatMap((v) => v.split(',')).filter((v) => v !== '') } : {}),
      body,
      analyze: flag(query.analyze),
      confirmDeletes: flag(query.confirmDeletes),
      userId: principalOf(request)?.userName ?? 'anonymous',
    });
    if (!flag(query.waitForCompletion)) {
      started.done.catch(() => undefined);
      return { _id: started._id, state: started.state };
    }
    const result = await started.done;
    // Safety guards (empty source, delete threshold) end FAILED with 200; a run that broke is a 409.
    if (result.failure !== undefined && !result.failure.guard) {
      throw conflict(result.failure.message, { reconId: started._id });
    }
    return { _id: started._id, state: result.summary.state };
  }

  @Get()
  list(): Promise<unknown> {
    return this.recon.list();
  }

  @Get(':id')
  async read(
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Req() request: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (wantsEventStream(accept)) {
      await this.recon.stored(id);
      return this.events.stream(id, request, res);
    }
    res.status(200).json(await this.recon.get(id));
  }

  /** The explicit stream route: only `text/event-stream` is served here. */
  @Get(':id/events')
  async events$(
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Req() request: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!wantsEventStream(accept)) {
      throw new DomainError(
        'NOT_ACCEPTABLE',
        'This route streams text/event-stream; send Accept: text/event-stream',
      );
    }
    await this.recon.stored(id);
    return this.events.stream(id, request, res);
  }

  @Get(':id/entries')
  entries(@Param('id') id: string, @Query() query: QueryParams): Promise<unknown> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) {
      const one = single(value);
      if (one !== undefined) params[key] = one;
    }
    return this.recon.entries(id, params);
  }

  @Post(':id')
  @HttpCode(200)
  cancel(@Param('id') id: string, @Query() query: QueryParams): Promise<unknown> {
    const action = single(query._action);
    if (action !== 'cancel')
      throw badRequest(`Unknown action '${action ?? ''}' on a recon run; supported: cancel`);
    return this.recon.cancel(id);
  }
}
