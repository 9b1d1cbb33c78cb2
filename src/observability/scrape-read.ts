import type { Logger } from '@nestjs/common';

/**
 * A read behind several gauges, which prom-client collects concurrently within one scrape: the first gauge starts
 * it and the others of the same scrape share it. A failed read is logged and gives undefined, so that the gauges
 * show no value rather than a stale one (and /metrics still answers).
 */
export function sharedScrapeRead<T>(
  read: () => Promise<T>,
  what: string,
  logger: Logger,
): () => Promise<T | undefined> {
  let reading: Promise<T | undefined> | undefined;
  return () => {
    reading ??= read()
      .catch((error: unknown) => {
        logger.warn(
          `${what} not read for /metrics: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}
