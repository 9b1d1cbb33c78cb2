import { Injectable } from '@nestjs/common';
import { SourceLock, type Exclusive } from '../livesync/source-lock';
import { SerialLock } from './serial-lock';
import { SqlDatabase } from './sql-database';

/** Namespace of the advisory-lock keys, so that they cannot meet other advisory locks on a shared PostgreSQL. */
const KEY_PREFIX = 'concord-livesync:';

/**
 * One live sync per source: within the process a FIFO lock per source; across nodes on PostgreSQL a
 * transaction-level advisory lock on a 64-bit hash of the source, held by a transaction that stays open on its
 * own pool connection while the live sync runs (its work uses other connections). The lock goes when that
 * transaction ends — at the end of the run, or when a crashed node's connection drops, so it cannot be
 * orphaned. PGlite is a single node: the process lock is enough, and a transaction held open there would
 * block every other statement of its single connection.
 */
@Injectable()
export class AdvisorySourceLock extends SourceLock {
  private readonly local = new Map<string, SerialLock>();
  private readonly busy = new Set<string>();

  constructor(private readonly db: SqlDatabase) {
    super();
  }

  async runExclusive<T>(source: string, wait: boolean, work: () => Promise<T>): Promise<Exclusive<T>> {
    if (!wait && this.busy.has(source)) return { ran: false };
    let lock = this.local.get(source);
    if (!lock) this.local.set(source, (lock = new SerialLock()));
    return lock.run(async () => {
      this.busy.add(source);
      try {
        return await this.acrossNodes(source, wait, work);
      } finally {
        this.busy.delete(source);
      }
    });
  }

  private async acrossNodes<T>(source: string, wait: boolean, work: () => Promise<T>): Promise<Exclusive<T>> {
    if (this.db.kind === 'embedded') return { ran: true, value: await work() };
    return this.db.transaction(async (tx): Promise<Exclusive<T>> => {
      const key = `${KEY_PREFIX}${source}`;
      if (wait) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      } else {
        const rows = await tx.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
          [key],
        );
        if (rows[0]?.locked !== true) return { ran: false };
      }
      return { ran: true, value: await work() };
    });
  }
}
