import { Injectable } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';
import type { SyncDelta } from '../connectors/system-connector.port';
import { MetricsRegistry } from '../observability/metrics.registry';

/** How one change ended: handled; failed, to be tried again on the next run; or disposed of by syncFailureHandler. */
export type ChangeResult = 'applied' | 'failed' | 'given_up';
/** How a run ended: read the source to its end; stopped at a change that failed (tried again next run); failed. */
export type RunResult = 'ok' | 'stopped' | 'failed';

/**
 * Live sync on GET /metrics, per source (`system/ldap/account`): the runs of this node and how they ended (a
 * directory that cannot be read shows as failed runs), the changes they handled, and when a run last read the
 * source to its end, the figure to alert on when LDAP changes stop coming back.
 */
@Injectable()
export class LiveSyncMetrics {
  private readonly runs: Counter<'source' | 'result'>;
  private readonly changes: Counter<'source' | 'type' | 'result'>;
  private readonly lastSuccess: Gauge<'source'>;

  constructor(metrics: MetricsRegistry) {
    this.runs = metrics.counter({
      name: 'concord_livesync_runs_total',
      help: 'Live-sync runs made by this node, by source and how they ended (ok; stopped at a failing change; failed)',
      labelNames: ['source', 'result'],
    });
    this.changes = metrics.counter({
      name: 'concord_livesync_changes_total',
      help: 'Changes live sync read from a source, by source, change type and how they ended',
      labelNames: ['source', 'type', 'result'],
    });
    this.lastSuccess = metrics.gauge({
      name: 'concord_livesync_last_success_timestamp_seconds',
      help: 'When a live-sync run of this node last read the source to its end (Unix time, seconds)',
      labelNames: ['source'],
    });
  }

  ran(source: string, result: RunResult): void {
    this.runs.inc({ source, result });
    if (result === 'ok') this.lastSuccess.set({ source }, Date.now() / 1000);
  }

  handled(source: string, type: SyncDelta['type'], result: ChangeResult): void {
    this.changes.inc({ source, type, result });
  }
}
