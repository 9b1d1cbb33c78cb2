import { mkdirSync } from 'node:fs';
import { Client, Pool } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PGliteDriver } from 'typeorm-pglite';
import { DomainError } from '../core/errors/domain-error';
import { maskUrl, maskUrlsIn } from '../config/secret.mask';
import { MIGRATIONS } from './migrations';
import type { RepoSettings } from './repo-settings';
import { pgCopyOut } from './pg-copy-out';
import { pgExecutor, pgTransaction, StatementNames } from './pg-pool-executor';
import { SerialLock } from './serial-lock';
import { SqlDatabase, type SqlExecutor } from './sql-database';

/** Identifies Concord's migration lock among other advisory locks on a shared PostgreSQL (any fixed 64-bit number). */
const MIGRATION_LOCK_KEY = 7_261_903_554;

/**
 * TypeORM over PostgreSQL (pg pool) or the embedded PGlite; runs the migrations before first use. On a
 * PostgreSQL server, statements go straight to TypeORM's pg pool, named so that each is parsed once per
 * connection (TypeORM's query runner cannot name them, and adds its own work to every statement).
 */
export class TypeOrmSqlDatabase extends SqlDatabase {
  private readonly lock = new SerialLock();
  private readonly names = new StatementNames();
  private relaxedPool: Pool | undefined;

  private constructor(
    readonly kind: 'postgres' | 'embedded',
    private readonly dataSource: DataSource,
    private readonly settings: RepoSettings,
  ) {
    super();
  }

  static async open(settings: RepoSettings): Promise<TypeOrmSqlDatabase> {
    const dataSource =
      settings.kind === 'postgres' ? postgresDataSource(settings) : embeddedDataSource(settings);
    try {
      await dataSource.initialize();
    } catch (error) {
      throw unavailable(settings, error);
    }
    const db = new TypeOrmSqlDatabase(settings.kind, dataSource, settings);
    if (settings.kind === 'postgres' && settings.schema) {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(settings.schema)}`);
    }
    await db.migrate(settings);
    return db;
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const pool = this.pgPool();
    if (pool) return pgExecutor(pool, this.names).query<Row>(sql, params);
    return this.serialized(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        return await runStructured<Row>(runner, sql, params);
      } finally {
        await runner.release();
      }
    });
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const pool = this.pgPool();
    if (pool) return pgTransaction(pool, this.names, work);
    return this.serialized(() =>
      this.dataSource.transaction(async (manager) => {
        const runner = manager.queryRunner;
        if (!runner) throw new Error('TypeORM gave a transaction without a query runner');
        return work({ query: (sql, params = []) => runStructured(runner, sql, params) });
      }),
    );
  }

  override copyOut(select: string, params: readonly string[]): AsyncIterable<Buffer> {
    const pool = this.pgPool();
    if (!pool) throw new Error('COPY TO STDOUT is read from a PostgreSQL server only');
    return pgCopyOut(pool, select, params);
  }

  /** PGlite writes as it always does (one process, nothing to gain); PostgreSQL gets two connections of its own. */
  get relaxed(): SqlExecutor {
    const settings = this.settings;
    if (settings.kind !== 'postgres' || !this.pgPool()) return this;
    this.relaxedPool ??= relaxedPool(settings);
    return pgExecutor(this.relaxedPool, this.names);
  }

  async close(): Promise<void> {
    await this.trailing.drained();
    const relaxed = this.relaxedPool;
    this.relaxedPool = undefined;
    await relaxed?.end();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** The pg pool TypeORM opened on a PostgreSQL server; none for the embedded PGlite (or once closed). */
  private pgPool(): Pool | undefined {
    if (this.kind !== 'postgres') return undefined;
    return (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    return this.kind === 'embedded' ? this.lock.run(work) : work();
  }

  /**
   * Several nodes may start at once on one PostgreSQL: the advisory lock lets one migrate while the others wait.
   * The lock is held by a connection of its own, outside the pool: the migrations take theirs from the pool,
   * which may have room for only one. Ending that session releases the lock, whatever happened.
   */
  private async migrate(settings: RepoSettings): Promise<void> {
    if (settings.kind === 'embedded') {
      await this.lock.run(() => this.dataSource.runMigrations({ transaction: 'each' }));
      return;
    }
    const lockHolder = new Client({ connectionString: settings.url });
    await lockHolder.connect();
    try {
      await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await this.dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.end().catch(() => undefined);
    }
  }
}

async function runStructured<Row>(
  runner: QueryRunner,
  sql: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const result = await runner.query(sql, [...params], true);
  return (result.records ?? []) as Row[];
}

function postgresDataSource(settings: Extract<RepoSettings, { kind: 'postgres' }>): DataSource {
  const schema = settings.schema;
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    schema,
    migrations: MIGRATIONS,
    migrationsTableName: 'concord_migrations',
    // search_path makes the unqualified table names of the SQL in this folder land in the configured schema.
    // A fixed-size pool (HikariCP's default): pg would close connections idle for 10 s, and the first
    // requests after a quiet spell would pay for new connections and for parsing their statements again.
    extra: {
      max: settings.poolSize ?? 10,
      min: settings.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
    },
  });
}

function relaxedPool(settings: Extract<RepoSettings, { kind: 'postgres' }>): Pool {
  const options = ['-c synchronous_commit=off'];
  if (settings.schema) options.push(`-c search_path=${quoteIdent(settings.schema)}`);
  const pool = new Pool({ connectionString: settings.url, max: 2, min: 2, options: options.join(' ') });
  // An idle connection that breaks is dropped by the pool; the next statement opens another.
  pool.on('error', () => undefined);
  return pool;
}

function embeddedDataSource(settings: Extract<RepoSettings, { kind: 'embedded' }>): DataSource {
  mkdirSync(settings.dataDir, { recursive: true });
  return new DataSource({
    type: 'postgres',
    driver: new PGliteDriver({ dataDir: settings.dataDir }).driver,
    migrations: MIGRATIONS,
    migrationsTableName: 'concord_migrations',
  });
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function unavailable(settings: RepoSettings, error: unknown): DomainError {
  const where = settings.kind === 'postgres' ? maskUrl(settings.url) : settings.dataDir;
  const reason = maskUrlsIn(error instanceof Error ? error.message : String(error));
  return new DomainError('UNAVAILABLE', `Repository ${where} is unavailable: ${reason}`);
}
