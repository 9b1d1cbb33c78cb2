import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ChangeDelivery } from './change-delivery.service';
import { SyncDeliveryConfig } from './sync-queue.settings';

/**
 * The background half of durable delivery: every `workerIntervalMs` it leases due changes and delivers them,
 * and keeps going without a pause while a full batch came back. Several nodes may run it on one PostgreSQL:
 * leases are taken with `FOR UPDATE SKIP LOCKED`, so no change is delivered by two of them at once. Changes
 * recorded before a crash are simply due rows when the next process starts.
 */
@Injectable()
export class SyncQueueWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SyncQueueWorker');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly delivery: ChangeDelivery,
    private readonly config: SyncDeliveryConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.queue.worker) return;
    try {
      const reclaimed = await this.delivery.reclaimEarlierLeases();
      if (reclaimed > 0)
        this.logger.warn(`${reclaimed} change(s) leased by this node before it restarted are due again`);
    } catch (error) {
      // The leases run out on their own; the worker starts regardless.
      this.logger.warn({ err: error }, 'Could not take back the leases of an earlier run of this node');
    }
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    let busy = false;
    try {
      busy = (await this.delivery.deliverDue()) >= this.config.queue.batchSize;
    } catch (error) {
      // The database itself is unreachable: nothing to do but try again later.
      this.logger.warn({ err: error }, 'Sync queue pass failed');
    }
    this.schedule(busy ? 0 : this.config.queue.workerIntervalMs);
  }
}
