import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseQueryParams, type QueryParams } from '../../../src/core/crest/query-params.parser';
import type { QueryRequest } from '../../../src/core/crest/query-request';
import type { RepoSettings } from '../../../src/persistence/repo-settings';
import { TypeOrmSqlDatabase } from '../../../src/persistence/typeorm-sql-database';

export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Every repository test runs against both stores Concord supports. */
export const REPO_KINDS = ['postgres', 'embedded'] as const;
export type RepoKind = (typeof REPO_KINDS)[number];

/**
 * A migrated, empty database: a fresh schema on the real PostgreSQL, or PGlite in a temp dir (one PGlite per
 * Jest test file, as typeorm-pglite keeps one instance per module registry). `reopen` closes and opens the
 * same data again, as a restart would; `destroy` drops the schema or removes the directory.
 */
export interface TestDatabase {
  db: TypeOrmSqlDatabase;
  reopen(): Promise<TypeOrmSqlDatabase>;
  destroy(): Promise<void>;
}

export async function openTestDatabase(kind: RepoKind): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dataDir = kind === 'embedded' ? mkdtempSync(join(tmpdir(), 'concord-sync-persistence-')) : '';
  const settings: RepoSettings =
    kind === 'postgres' ? { kind, url: POSTGRES_URL, schema, poolSize: 4 } : { kind, dataDir };
  const handle: TestDatabase = {
    db: await TypeOrmSqlDatabase.open(settings),
    async reopen() {
      await handle.db.close();
      handle.db = await TypeOrmSqlDatabase.open(settings);
      return handle.db;
    },
    async destroy() {
      await handle.db.close();
      if (kind === 'embedded') rmSync(dataDir, { recursive: true, force: true });
      else await dropSchema(schema);
    },
  };
  return handle;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A CREST query as the HTTP layer parses it from `?_queryFilter=…&_pageSize=…`. */
export function crestQuery(params: QueryParams): QueryRequest {
  return parseQueryParams(params);
}

/** The DomainError code a promise rejects with (fails the test when it resolves). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('expected a rejection');
}

/** Collects an async iterable of pages into the list of page sizes and the flat items. */
export async function drain<T>(pages: AsyncIterable<T[]>): Promise<{ sizes: number[]; items: T[] }> {
  const sizes: number[] = [];
  const items: T[] = [];
  for await (const page of pages) {
    sizes.push(page.length);
    items.push(...page);
  }
  return { sizes, items };
}
