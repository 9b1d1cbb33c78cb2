import type { SqlExecutor } from './sql-database';

/** A write held back to go with a later statement. */
export interface DeferredWrite {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Main statements a deferred write can ride on as a data-modifying `WITH` (PostgreSQL allows them there). */
const CARRIER = /^\s*(insert|update|delete)\b/i;

/** Whether `sql` may stand in a data-modifying `WITH` query (a plain INSERT, UPDATE or DELETE). */
export function isCarrier(sql: string): boolean {
  return CARRIER.test(sql);
}

/**
 * A transaction's executor that sends writes nobody reads the result of (`defer`: audit events written beside
 * a managed write) with the transaction's next INSERT, UPDATE or DELETE, as data-modifying `WITH` queries of
 * that statement: one round trip instead of two. What is still deferred is sent before the commit
 * (`flush`). The deferred write runs in the same snapshot as its carrier: only writes that the rest of the
 * transaction never reads back may be deferred.
 */
export class CoalescingExecutor implements SqlExecutor {
  private pending: DeferredWrite[] = [];

  constructor(private readonly target: SqlExecutor) {}

  defer(sql: string, params: readonly unknown[] = []): void {
    this.pending.push({ sql, params });
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.pending.length === 0) return this.target.query<Row>(sql, params);
    // A data-modifying WITH must stand at the top level: only plain INSERT, UPDATE and DELETE go together.
    if (!isCarrier(sql) || this.pending.some((write) => !isCarrier(write.sql))) {
      await this.flush();
      return this.target.query<Row>(sql, params);
    }
    const carried = this.take();
    const values: unknown[] = [];
    const queries = carried.map((write, index) => {
      const text = renumbered(write.sql, values.length);
      values.push(...write.params);
      return `concord_deferred_${index} AS (${text})`;
    });
    const text = `WITH ${queries.join(', ')}\n${renumbered(sql, values.length)}`;
    values.push(...params);
    return this.target.query<Row>(text, values);
  }

  /** Sends what is still deferred, one statement each (before a commit, or before a statement that cannot carry). */
  async flush(): Promise<void> {
    for (const write of this.take()) await this.target.query(write.sql, write.params);
  }

  /** Hands what is deferred to whoever sends it instead (ClosingBatch); this executor holds nothing after. */
  takeDeferred(): readonly DeferredWrite[] {
    return this.take();
  }

  private take(): DeferredWrite[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}

/** `$n` placeholders moved up by `offset` (Concord's SQL has no `$` followed by a digit anywhere else). */
export function renumbered(sql: string, offset: number): string {
  return offset === 0 ? sql : sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
