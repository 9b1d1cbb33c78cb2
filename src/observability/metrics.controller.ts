import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { MetricsRegistry } from './metrics.registry';

/**
 * Exposure of /metrics is the operator's choice. By default it needs admin credentials (the
 * metrics reveal traffic and internals). Prometheus usually scrapes without custom headers, so
 * either give the scrape job HTTP Basic credentials of an admin user (`basic_auth` in
 * prometheus.yml works, Concord accepts Basic), or set CONCORD_METRICS_PUBLIC=true and keep the
 * port reachable only from the monitoring network. The variable is read per request.
 */
export const metricsArePublic = (): boolean => process.env.CONCORD_METRICS_PUBLIC === 'true';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Public(metricsArePublic)
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
