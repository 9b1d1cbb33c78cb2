import { Controller, Get, HttpStatus, Logger, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { HEALTH_CHECK_TIMEOUT_MS, HealthIndicators, type HealthIndicator } from './health.indicators';

export type HealthState = 'UP' | 'DOWN';

export interface HealthReport {
  status: HealthState;
  components?: Record<string, { status: HealthState }>;
}

/**
 * GET /health for load balancers and orchestrators: 200 `{status:"UP"}`, or 503 with the
 * failing components. Public, so it reveals only states; error messages (which may name hosts)
 * go to the log.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(@Optional() private readonly health?: HealthIndicators) {}

  @Public()
  @Get()
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    res.setHeader('Cache-Control', 'no-store');
    const indicators = this.health?.indicators ?? [];
    if (indicators.length === 0) {
      return { status: 'UP' };
    }
    const timeoutMs = this.health?.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
    const states = await Promise.all(indicators.map((indicator) => this.probe(indicator, timeoutMs)));
    const components: Record<string, { status: HealthState }> = {};
    indicators.forEach((indicator, index) => {
      components[indicator.name] = { status: states[index] ?? 'DOWN' };
    });
    const status: HealthState = states.every((state) => state === 'UP') ? 'UP' : 'DOWN';
    if (status === 'DOWN') {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status, components };
  }

  private async probe(indicator: HealthIndicator, timeoutMs: number): Promise<HealthState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([indicator.check(), timeout]);
      return 'UP';
    } catch (error) {
      this.logger.warn(
        `health check '${indicator.name}' failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 'DOWN';
    } finally {
      clearTimeout(timer);
    }
  }
}
