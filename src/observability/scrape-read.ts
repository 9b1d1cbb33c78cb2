import type { Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics.registry';

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

/** A gauge whose samples are set from a shared scrape-time read (sharedScrapeRead), one per item read. */
export interface ScrapedGauge<T> {
  readonly name: string;
  readonly help: string;
  /** The gauge's one label, and its value for an item. */
  readonly label: string;
  readonly labelOf: (item: T) => string;
  /** The item's value; null leaves the item out. */
  readonly valueOf: (item: T) => number | null;
}

/**
 * Registers `gauge`, filled anew at each scrape from `read`: what is no longer read (a state that emptied, a failed
 * read) shows no sample rather than its last value.
 */
export function registerScrapedGauge<T>(
  metrics: MetricsRegistry,
  read: () => Promise<readonly T[] | undefined>,
  gauge: ScrapedGauge<T>,
): void {
  const instrument: Gauge<string> = metrics.gauge({
    name: gauge.name,
    help: gauge.help,
    labelNames: [gauge.label],
    collect: async () => {
      instrument.reset();
      for (const item of (await read()) ?? []) {
        const value = gauge.valueOf(item);
        if (value !== null) instrument.set({ [gauge.label]: gauge.labelOf(item) }, value);
      }
    },
  });
}
