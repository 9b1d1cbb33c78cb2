import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SchedulerJobs } from './scheduler-jobs.service';

/**
 * File schedules as OpenIDM's config service shows them: `/openidm/config/schedule-<name>` (and the
 * `schedule/<name>` spelling of the docs). PUT validates, writes `config/schedule-<name>.json` and
 * reschedules at once; no restart.
 */
@ApiTags('scheduler')
@ApiSecurity('openidm-headers')
@Controller('openidm/config')
export class ScheduleConfigController {
  constructor(private readonly jobs: SchedulerJobs) {}

  @Get(['schedule-:name', 'schedule/:name'])
  read(@Param('name') name: string): unknown {
    return this.jobs.readFile(name);
  }

  @Put(['schedule-:name', 'schedule/:name'])
  put(@Param('name') name: string, @Body() body: unknown): Promise<unknown> {
    return this.jobs.writeFile(name, body ?? {});
  }

  @Delete(['schedule-:name', 'schedule/:name'])
  delete(@Param('name') name: string): unknown {
    return this.jobs.deleteFile(name);
  }
}
