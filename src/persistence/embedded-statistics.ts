import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SqlDatabase } from './sql-database';

/** How often the embedded repository refreshes planner statistics (ms). */
const ANALYZE_INTERVAL_MS = 60_000;

/**
 * PGlite runs no autovacuum, so without this its planner would keep guessing row counts from an empty table and
 * pick sequential scans over the searchable-property indexes once the data grows. A PostgreSQL server does this
 * itself (autovacuum), so the job only runs for the embedded repository.
 */
@Injectable()
export class EmbeddedStatistics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedStatistics');
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: SqlDatabase) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.db.kind !== 'embedded') return;
    await this.analyze();
    this.timer = setInterval(() => void this.analyze(), ANALYZE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async analyze(): Promise<void> {
    try {
      await this.db.query('ANALYZE');
    } catch (error) {
      this.logger.warn(`ANALYZE failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
