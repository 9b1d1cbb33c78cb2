import type { Pool, PoolClient, QueryConfig } from 'pg';
import type { SqlExecutor } from './sql-database';

/** Statements PostgreSQL may keep parsed per connection: enough for every fixed statement Concord has. */
const MAX_NAMED_STATEMENTS = 300;
/** A text is named once it has run this often, so one-off texts (a rare query filter) never take a name. */
const RUNS_BEFORE_NAMING = 3;
/** Candidates counted at most; the counts start again when full, so a stream of distinct texts stays bounded. */
const MAX_COUNTED_TEXTS = 5_000;

/** Only plain DML is prepared: DDL and session commands run as sent. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * Gives a name to each SQL text Concord runs again and again. pg then sends Parse once per connection and
 * Bind/Execute after that, so PostgreSQL neither parses nor (after a few runs) plans the statement again:
 * on an implicit-sync PUT, parsing and planning were about half of PostgreSQL's time for each statement.
 * A name stands for one text for the life of the process, as pg requires of named statements.
 */
export class StatementNames {
  private readonly named = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  nameOf(sql: string): string | undefined {
    const name = this.named.get(sql);
    if (name !== undefined || this.named.size >= MAX_NAMED_STATEMENTS || !PREPARABLE.test(sql)) return name;
    const runs = (this.counts.get(sql) ?? 0) + 1;
    if (runs < RUNS_BEFORE_NAMING) {
      if (this.counts.size >= MAX_COUNTED_TEXTS) this.counts.clear();
      this.counts.set(sql, runs);
      return undefined;
    }
    this.counts.delete(sql);
    const fresh = `concord_${this.named.size}`;
    this.named.set(sql, fresh);
    return fresh;
  }
}

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** Runs statements straight on pg (a pool, or one client inside a transaction), named where worth it. */
export function pgExecutor(target: Queryable, names: StatementNames): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const config: QueryConfig = { text: sql, values: params as unknown[] };
      const name = names.nameOf(sql);
      if (name !== undefined) config.name = name;
      const result = await target.query(config);
      return result.rows as Row[];
    },
  };
}

/** BEGIN … COMMIT on one pooled client; ROLLBACK when `work` throws, and a client that cannot roll back is dropped. */
export async function pgTransaction<T>(
  pool: Pool,
  names: StatementNames,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN').catch((error: unknown) => {
      broken = asError(error);
      throw error;
    });
    try {
      const value = await work(pgExecutor(client, names));
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = asError(rollbackError);
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
