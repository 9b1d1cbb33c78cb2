import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '../observability/metrics.registry';
import { registerScrapedGauge, sharedScrapeRead } from '../observability/scrape-read';
import type { AttemptBy } from './change-delivery.service';
import { ChangeQueueStore } from './change-queue.store';

/** How it ended: delivered; failed and due again after a back-off; failed for the last time (dead); a failed probe. */
export type AttemptResult = 'delivered' | 'retry' | 'dead' | 'probe_failed';

/**
 * The implicit-sync queue on GET /metrics, for the alerts an operator sets on durable delivery: changes waiting
 * and how long the oldest has (a target down shows as a growing age long before anything goes dead), dead
 * letters, and how delivery attempts end. The backlog is read from the queue when scraped, so every node reports
 * the whole cluster's; the attempts are this node's own.
 */
@Injectable()
export class SyncQueueMetrics {
  private readonly attempts: Counter<'by' | 'result'>;

  constructor(metrics: MetricsRegistry, store: ChangeQueueStore) {
    const readBacklog = sharedScrapeRead(
      () => store.backlog(),
      'Sync queue backlog',
      new Logger('SyncQueueMetrics'),
    );
    this.attempts = metrics.counter({
      name: 'concord_sync_delivery_attempts_total',
      help: 'Implicit-sync delivery attempts made by this node, by who made them and how they ended',
      labelNames: ['by', 'result'],
    });
    registerScrapedGauge(metrics, readBacklog, {
      name: 'concord_sync_queue_changes',
      help: 'Changes in the implicit-sync queue, by state (pending: to be delivered; dead: given up, see sync/queue)',
      label: 'state',
      labelOf: (backlog) => backlog.state,
      valueOf: (backlog) => backlog.changes,
    });
    registerScrapedGauge(metrics, readBacklog, {
      name: 'concord_sync_queue_oldest_change_age_seconds',
      help: 'Age of the oldest change in the implicit-sync queue, by state; absent when the state holds none',
      label: 'state',
      labelOf: (backlog) => backlog.state,
      valueOf: (backlog) => backlog.oldestAgeSeconds,
    });
  }

  attempted(by: AttemptBy, result: AttemptResult): void {
    this.attempts.inc({ by, result });
  }
}
