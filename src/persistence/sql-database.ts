/** Something that runs one parameterized SQL statement: the database itself or an open transaction. */
export interface SqlExecutor {
  /** Runs `sql` with `$1..$n` placeholders bound to `params`; returns the rows (RETURNING rows for writes). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * Port: the relational store behind Concord (PostgreSQL server, or the embedded PGlite default).
 * Every statement is parameterized; values never reach SQL text.
 */
export abstract class SqlDatabase implements SqlExecutor {
  abstract readonly kind: 'postgres' | 'embedded';
  abstract query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}
