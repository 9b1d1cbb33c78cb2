import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { badRequest } from '../core/errors/domain-error';
import { SchedulerJobs } from './scheduler-jobs.service';

type QueryParams = Record<string, string | string[] | undefined>;

/** OpenIDM's scheduler API (openidm-sync-facts.md §6): jobs, pause/resume, cron validation. */
@ApiTags('scheduler')
@ApiSecurity('openidm-headers')
@Controller('openidm/scheduler')
export class SchedulerController {
  constructor(private readonly jobs: SchedulerJobs) {}

  @Post()
  @HttpCode(200)
  schedulerAction(@Query() query: QueryParams, @Body() body: unknown): unknown {
    const action = single(query._action);
    if (action !== 'validateQuartzCronExpression') {
      throw badRequest(
        `Action '${action ?? ''}' is not supported on scheduler; supported: validateQuartzCronExpression`,
      );
    }
    return this.jobs.validateCron(body);
  }

  @Post('job')
  async jobsAction(
    @Query() query: QueryParams,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const action = single(query._action);
    switch (action ?? '') {
      case 'create': {
        const created = await this.jobs.create(single(query._id), body ?? {});
        res.status(201);
        res.setHeader('Location', `/openidm/scheduler/job/${encodeURIComponent(String(created._id))}`);
        return created;
      }
      case 'listCurrentlyExecutingJobs':
        res.status(200);
        return this.jobs.currentlyExecuting();
      case 'pauseJobs':
        res.status(200);
        return this.jobs.setPaused(true);
      case 'resumeJobs':
        res.status(200);
        return this.jobs.setPaused(false);
      default:
        throw badRequest(
          `Action '${action ?? ''}' is not supported on scheduler/job; supported: create, listCurrentlyExecutingJobs, pauseJobs, resumeJobs`,
        );
    }
  }

  @Get('job')
  query(@Query() query: QueryParams): Promise<unknown> {
    return this.jobs.query(query);
  }

  @Get('job/:id')
  read(@Param('id') id: string): Promise<unknown> {
    return this.jobs.read(id);
  }

  @Put('job/:id')
  put(@Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    return this.jobs.put(id, body ?? {});
  }

  @Delete('job/:id')
  delete(@Param('id') id: string): Promise<unknown> {
    return this.jobs.delete(id);
  }
}

export function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > 1) throw badRequest('A query parameter was given more than once');
    return value[0];
  }
  return value;
}
