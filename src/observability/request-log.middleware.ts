import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
// nestjs-pino's request store (not re-exported by its index): the logger PinoLogger uses within a request.
import { Store, storage } from 'nestjs-pino/storage';
import { isLoggedPath, requestIdFor, requestLogLevel } from './logging.options';

/**
 * One line per request when its response is done (or the connection closes first), with the request (its id,
 * method, URL, headers less credentials), the response status and headers, and the time taken. Gives every
 * request its id (`req.id`, echoed as `X-Request-Id`) first. Everything is built only for a line that the level
 * lets through: at `warn`, a successful request costs a listener and nothing else.
 */
export function requestLogMiddleware(
  logger: Logger,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    (req as Request & { id: string }).id = requestIdFor(req, res);
    if (isLoggedPath(req.url)) {
      const started = Date.now();
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        res.off('close', finish);
        const aborted = !res.writableFinished;
        const level = requestLogLevel(res.statusCode, aborted);
        if (!logger.isLevelEnabled(level)) return;
        const line = { req, res, responseTime: Date.now() - started };
        logger[level](line, aborted ? 'request aborted' : 'request completed');
      };
      res.once('finish', finish);
      res.once('close', finish);
    }
    // What nestjs-pino's own middleware would do: PinoLogger, within the request, writes to this app's logger.
    storage.run(new Store(logger), next);
  };
}
