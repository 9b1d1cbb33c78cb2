import { Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry } from '../observability/metrics.registry';
import { registerScrapedGauge, sharedScrapeRead } from '../observability/scrape-read';
import { ReconRunStore, type MappingReconStatus } from './ports/recon-run.store';
import { SyncMappings } from './sync-mappings';

/**
 * Reconciliation on GET /metrics, per mapping of sync.json: runs under way, whether the latest run that ended
 * succeeded, how long it took, and when a run last succeeded (the figure to alert on when a scheduled recon stops
 * succeeding).
 * Read from the stored runs when scraped, so every node reports the whole cluster's and nothing is counted on the
 * runs' own path; the summaries (`GET /openidm/recon/<id>`) keep the detail (situations, durationSummary).
 */
@Injectable()
export class ReconMetrics {
  constructor(metrics: MetricsRegistry, runs: ReconRunStore, mappings: SyncMappings) {
    const names = mappings.all.map((mapping) => mapping.name);
    const readStatuses = sharedScrapeRead(
      () => runs.latestByMapping(names),
      'Reconciliation runs',
      new Logger('ReconMetrics'),
    );
    const byMapping = (
      name: string,
      help: string,
      valueOf: (status: MappingReconStatus) => number | null,
    ): void =>
      registerScrapedGauge(metrics, readStatuses, {
        name,
        help,
        label: 'mapping',
        labelOf: (status) => status.mapping,
        valueOf,
      });
    byMapping('concord_recon_active_runs', 'Reconciliation runs under way, by mapping', (s) => s.active);
    byMapping(
      'concord_recon_last_run_success',
      'Whether the latest reconciliation of a mapping that ended succeeded (1) or failed or was canceled (0)',
      (s) => (s.lastState === null ? null : s.lastState === 'SUCCESS' ? 1 : 0),
    );
    byMapping(
      'concord_recon_last_run_duration_seconds',
      'How long the latest reconciliation of a mapping that ended took, in seconds',
      (s) => s.lastDurationSeconds,
    );
    byMapping(
      'concord_recon_last_success_timestamp_seconds',
      'When a reconciliation of a mapping last ended in success (Unix time, seconds)',
      (s) => s.lastSuccessAt,
    );
  }
}
