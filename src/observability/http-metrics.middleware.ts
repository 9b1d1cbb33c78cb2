import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';

/**
 * Label of requests that reached no controller route: 404s on random paths, and requests a
 * middleware rejected first (413, 415). One series, not one per URL.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every HTTP request and its latency. A middleware rather than an interceptor, because
 * interceptors do not see requests rejected by guards (401/403) or by routing (404).
 * `route` is the matched route pattern (`/openidm/managed/user/:id`), never the raw URL, which
 * would create a time series per object id.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(metrics: MetricsRegistry) {
    this.requests = metrics.counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its response, in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    const middlewareRoute = currentRoute(req);
    res.once('finish', () => {
      const route = routeOf(currentRoute(req), middlewareRoute);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}

interface ExpressRoute {
  path?: unknown;
  methods?: Record<string, boolean>;
}

function currentRoute(req: Request): ExpressRoute | undefined {
  return (req as { route?: ExpressRoute }).route;
}

/**
 * Express leaves the last matched route on the request; it is still there when the response ends.
 * Nest mounts middleware as routes too (`forRoutes({ method: ALL })` registers the path for every
 * HTTP method), so a route answering several methods, or the one this middleware runs under,
 * means no controller was reached. Controllers name one method per handler.
 */
function routeOf(route: ExpressRoute | undefined, middlewareRoute: ExpressRoute | undefined): string {
  if (route === undefined || route === middlewareRoute || typeof route.path !== 'string') {
    return UNMATCHED_ROUTE;
  }
  const methods = Object.keys(route.methods ?? {});
  return methods.length === 1 && methods[0] !== '_all' ? route.path : UNMATCHED_ROUTE;
}
