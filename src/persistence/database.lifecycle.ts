import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SqlDatabase } from './sql-database';

/** Closes the repository when Nest shuts down (SIGTERM/SIGINT), after HTTP has stopped taking requests. */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly db: SqlDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
