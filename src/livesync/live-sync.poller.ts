import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SyncDeliveryConfig } from '../sync-queue/sync-queue.settings';
import { LiveSyncService } from './live-sync.service';

/**
 * Continuous live sync of the sources in `CONCORD_LIVESYNC_SOURCES`, each polled `intervalMs` after its
 * previous run ended (so a slow run never overlaps the next). On a shared PostgreSQL only one node polls a
 * given source at a time (LiveSyncService.pollOnce takes the source's advisory lock).
 */
@Injectable()
export class LiveSyncPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveSyncPoller');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly runs = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly liveSync: LiveSyncService,
    private readonly config: SyncDeliveryConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const source of this.config.liveSync.sources) this.schedule(source, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await Promise.all([...this.runs]);
  }

  private schedule(source: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      const run = this.poll(source);
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }, delayMs);
    timer.unref();
    this.timers.set(source, timer);
  }

  private async poll(source: string): Promise<void> {
    try {
      const stage = await this.liveSync.pollOnce(source);
      const failure = stage?.lastException;
      if (failure)
        this.logger.warn(`Live sync of ${source} stopped at a failing change: ${JSON.stringify(failure)}`);
    } catch (error) {
      this.logger.warn({ err: error }, `Live sync of ${source} failed`);
    }
    this.schedule(source, this.config.liveSync.intervalMs);
  }
}
