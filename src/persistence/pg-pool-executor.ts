import type { Pool, PoolClient, QueryConfig } from 'pg';
import { CoalescingExecutor } from './deferred-writes';
import type { SqlExecutor } from './sql-database';
import { copyWith } from '../core/copy-with';

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
  private readonly unnamed = new Set<string>();

  nameOf(sql: string): string | undefined {
    if (this.unnamed.has(sql)) return undefined;
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

  /** Sends `sql` unnamed from now on (its prepared form went stale: see pgExecutor). */
  stopNaming(sql: string): void {
    this.unnamed.add(sql);
  }
}

/**
 * PostgreSQL refuses to run a prepared statement whose result columns changed under it (a table altered by
 * another node's newer migrations, say): "cached plan must not change result type".
 */
const STALE_PREPARED_STATEMENT = '0A000';

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** Runs statements straight on pg (a pool, or one client inside a transaction), named where worth it. */
export function pgExecutor(target: Queryable, names: StatementNames, inTransaction = false): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const config: QueryConfig = { text: sql, values: params as unknown[] };
      const name = names.nameOf(sql);
      if (name === undefined) return (await target.query(config)).rows as Row[];
      try {
        return (await target.query(copyWith(config, { name }))).rows as Row[];
      } catch (error) {
        // Outside a transaction the failed statement changed nothing; run it as sent from now on. Inside
        // one, the transaction is aborted: the error stands, and the caller's retry will not be named.
        if ((error as { code?: unknown }).code !== STALE_PREPARED_STATEMENT) throw error;
        names.stopNaming(sql);
        if (inTransaction) throw error;
        return (await target.query(config)).rows as Row[];
      }
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
      const tx = new CoalescingExecutor(pgExecutor(client, names, true));
      const value = await work(tx);
      await tx.flush();
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
