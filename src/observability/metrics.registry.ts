import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * The application's Prometheus registry. Modules register their instruments here (recon and sync
 * counters, for instance) instead of on prom-client's global registry, so two Nest applications
 * in one process (tests) do not collide. Instruments are get-or-create by name: calling
 * `counter({ name: 'x', ... })` twice returns the same counter.
 */
@Injectable()
export class MetricsRegistry implements OnModuleDestroy {
  readonly registry = new Registry();

  constructor() {
    // process_* and nodejs_* (CPU, memory, event-loop lag, GC); computed when scraped.
    collectDefaultMetrics({ register: this.registry });
  }

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return this.getOrCreate(
      config.name,
      Counter,
      () => new Counter({ ...config, registers: [this.registry] }),
    );
  }

  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return this.getOrCreate(config.name, Gauge, () => new Gauge({ ...config, registers: [this.registry] }));
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return this.getOrCreate(
      config.name,
      Histogram,
      () => new Histogram({ ...config, registers: [this.registry] }),
    );
  }

  /** Prometheus text exposition format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  private getOrCreate<M>(name: string, kind: abstract new (...args: never[]) => M, create: () => M): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) {
      return create();
    }
    if (!(existing instanceof kind)) {
      throw new Error(`metric ${name} is already registered as another kind`);
    }
    return existing;
  }
}
