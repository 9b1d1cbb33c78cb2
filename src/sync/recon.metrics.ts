import { Injectable, Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { MetricsRegistry } from '../observability/metrics.registry';
import { sharedScrapeRead } from '../observability/scrape-read';
import { ReconRunStore, type MappingReconStatus } from './ports/recon-run.store';
import { SyncMappings } from './sync-mappings';

/**
 * Reconciliation on GET /metrics, per mapping of sync.json: runs under way, whether the latest run that ended succeeded, how
 * long it took, and when a run last succeeded (the figure to alert on when a scheduled recon stops succeeding).
 * Read from the stored runs when scraped, so every node reports the whole cluster's and nothing is counted on the
 * runs' own path; the summaries (`GET /openidm/recon/<id>`) keep the detail (situations, durationSummary).
 */
@Injectable()
export class ReconMetrics {
  private readonly readStatuses: () => Promise<MappingReconStatus[] | undefined>;

  constructor(metrics: MetricsRegistry, runs: ReconRunStore, mappings: SyncMappings) {
    const names = mappings.all.map((mapping) => mapping.name);
    this.readStatuses = sharedScrapeRead(
      () => runs.latestByMapping(names),
      'Reconciliation runs',
      new Logger('ReconMetrics'),
    );
    this.gauge(
      metrics,
      'concord_recon_active_runs',
      'Reconciliation runs under way, by mapping',
      (s) => s.active,
    );
    this.gauge(
      metrics,
      'concord_recon_last_run_success',
      'Whether the latest reconciliation of a mapping that ended succeeded (1) or failed or was canceled (0)',
      (s) => (s.lastState === null ? null : s.lastState === 'SUCCESS' ? 1 : 0),
    );
    this.gauge(
      metrics,
      'concord_recon_last_run_duration_seconds',
      'How long the latest reconciliation of a mapping that ended took, in seconds',
      (s) => s.lastDurationSeconds,
    );
    this.gauge(
      metrics,
      'concord_recon_last_success_timestamp_seconds',
      'When a reconciliation of a mapping last ended in success (Unix time, seconds)',
      (s) => s.lastSuccessAt,
    );
  }

  /** A gauge by mapping whose value `valueOf` takes from each mapping's status; null leaves the mapping out. */
  private gauge(
    metrics: MetricsRegistry,
    name: string,
    help: string,
    valueOf: (status: MappingReconStatus) => number | null,
  ): void {
    const gauge: Gauge<'mapping'> = metrics.gauge({
      name,
      help,
      labelNames: ['mapping'],
      collect: async () => {
        // A mapping whose runs were purged must not keep its last value; a failed read shows none.
        gauge.reset();
        for (const status of (await this.readStatuses()) ?? []) {
          const value = valueOf(status);
          if (value !== null) gauge.set({ mapping: status.mapping }, value);
        }
      },
    });
  }
}
