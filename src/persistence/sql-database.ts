import { TrailingWrites } from './trailing-writes';

/** Something that runs one parameterized SQL statement: the database itself or an open transaction. */
export interface SqlExecutor {
  /** Runs `sql` with `$1..$n` placeholders bound to `params`; returns the rows (RETURNING rows for writes). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Only in some transactions (CoalescingExecutor): sends a write whose result nobody reads, and which the
   * rest of the transaction never reads back, with the transaction's next write or before its commit.
   */
  defer?(sql: string, params?: readonly unknown[]): void;
  /**
   * Only outside transactions, on a FollowingExecutor: runs `sql` in the statement of the next write, after
   * it, with that write's RETURNING rows as `concord_written`; resolves with its first row, or null.
   */
  follow?<Row>(sql: string, params?: readonly unknown[]): Promise<Row | null>;
}

/**
 * Port: the relational store behind Concord (PostgreSQL server, or the embedded PGlite default).
 * Every statement is parameterized; values never reach SQL text.
 */
export abstract class SqlDatabase implements SqlExecutor {
  abstract readonly kind: 'postgres' | 'embedded';
  abstract query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs each statement in a transaction of its own that commits without waiting for the disk (PostgreSQL's
   * `synchronous_commit = off`). Only for writes a crash may lose without harm: the removal of a delivered
   * queue row (lost, the change is delivered again, and the current state it applies changes nothing) and the
   * audit line of a delivery. Saves a disk flush on each, which is most of such a statement's time.
   */
  abstract readonly relaxed: SqlExecutor;
  /** Writes sent after a request's reply, which reads of what they write wait for (TrailingWrites). */
  readonly trailing = new TrailingWrites();
  /**
   * Only on a PostgreSQL server: every row of `select` in COPY's text format (copy-text-rows.ts reads it), for
   * readers of whole tables that want no object per row (recon's prefetch). `$n` are text parameters.
   */
  copyOut?(select: string, params: readonly string[]): AsyncIterable<Buffer>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}
