import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { SqlExecutor } from '../../../src/persistence/sql-database';
import { TypeOrmSqlDatabase } from '../../../src/persistence/typeorm-sql-database';
import { POSTGRES_URL } from './test-database';

/**
 * On PostgreSQL the repository names the statements it runs again and again, so the server parses and plans
 * them once per connection. `pg_prepared_statements` shows what one connection holds, so the checks run
 * inside a transaction, which keeps to one connection. The pool holds a single connection, which must be
 * enough to start (the migration lock is held outside the pool).
 */
describe('statements on a PostgreSQL server', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let db: TypeOrmSqlDatabase;

  beforeAll(async () => {
    db = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 1 });
    await db.query('CREATE TABLE things (id int PRIMARY KEY, label text NOT NULL)');
  });

  afterAll(async () => {
    await db.close();
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  async function preparedTexts(tx: SqlExecutor): Promise<string[]> {
    const rows = await tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    return rows.map((row) => row.statement);
  }

  it('prepares a statement once it has run a few times, and keeps answering with the same rows', async () => {
    const read = 'SELECT label FROM things WHERE id = $1';
    await db.query('INSERT INTO things (id, label) VALUES ($1, $2)', [1, 'one']);
    await db.transaction(async (tx) => {
      const answers: unknown[] = [];
      for (let i = 0; i < 5; i++) answers.push(await tx.query(read, [1]));
      expect(answers).toEqual(Array.from({ length: 5 }, () => [{ label: 'one' }]));
      expect(await preparedTexts(tx)).toContain(read);
    });
  });

  it('does not prepare a text that ran only once, nor DDL', async () => {
    await db.transaction(async (tx) => {
      await tx.query('SELECT label FROM things WHERE id = $1 AND label <> $2', [1, 'x']);
      for (let i = 0; i < 4; i++) await tx.query('CREATE INDEX IF NOT EXISTS things_label ON things (label)');
      const prepared = await preparedTexts(tx);
      expect(prepared).not.toContain('SELECT label FROM things WHERE id = $1 AND label <> $2');
      expect(prepared.some((text) => text.startsWith('CREATE'))).toBe(false);
    });
  });

  it('commits a transaction as a whole and rolls back one that throws, on a connection still usable', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO things (id, label) VALUES ($1, $2)', [2, 'two']);
      await tx.query('INSERT INTO things (id, label) VALUES ($1, $2)', [3, 'three']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO things (id, label) VALUES ($1, $2)', [4, 'four']);
        await tx.query('INSERT INTO things (id, label) VALUES ($1, $2)', [2, 'duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const rows = await db.query<{ id: number }>('SELECT id FROM things ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
  });

  it('runs relaxed writes without waiting for the disk, seen at once by every other connection', async () => {
    const setting = async (executor: SqlExecutor) =>
      (await executor.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]
        ?.synchronous_commit;
    expect(await setting(db.relaxed)).toBe('off');
    expect(await setting(db)).toBe('on');
    await db.relaxed.query('DELETE FROM things WHERE id = $1', [3]);
    const rows = await db.query<{ id: number }>('SELECT id FROM things ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2]);
  });

  it('answers a prepared statement whose table changed under it (another node migrated) with the new columns', async () => {
    await db.query('CREATE TABLE gadgets (id int PRIMARY KEY)');
    await db.query('INSERT INTO gadgets (id) VALUES (1)');
    const readAll = 'SELECT * FROM gadgets ORDER BY id';
    for (let i = 0; i < 4; i++) expect(await db.query(readAll)).toEqual([{ id: 1 }]);
    await db.query("ALTER TABLE gadgets ADD COLUMN colour text NOT NULL DEFAULT 'red'");
    expect(await db.query(readAll)).toEqual([{ id: 1, colour: 'red' }]);
    expect(await db.query(readAll)).toEqual([{ id: 1, colour: 'red' }]);
  });

  it('sends a deferred write with the next write of the transaction, or before the commit', async () => {
    await db.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    const seen: string[][] = [];
    await db.transaction(async (tx) => {
      expect(typeof tx.defer).toBe('function');
      tx.defer?.('INSERT INTO notes (id, body) VALUES ($1, $2)', [1, 'carried']);
      tx.defer?.('INSERT INTO notes (id, body) VALUES ($1, $2)', [2, 'carried too']);
      // The carrier's own $1 and $2 still mean its own parameters.
      const carrier = await tx.query<{ id: number }>(
        'INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id',
        [3, 'carrier'],
      );
      expect(carrier).toEqual([{ id: 3 }]);
      tx.defer?.('INSERT INTO notes (id, body) VALUES ($1, $2)', [4, 'before the commit']);
      // A read is no carrier: what is deferred goes first, so the read sees it.
      const counted = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
      seen.push([String(counted[0]?.n)]);
      tx.defer?.('INSERT INTO notes (id, body) VALUES ($1, $2)', [5, 'at the commit']);
    });
    expect(seen).toEqual([['4']]);
    const rows = await db.query<{ id: number; body: string }>('SELECT id, body FROM notes ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('loses a deferred write with its transaction when the transaction fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.defer?.('INSERT INTO notes (id, body) VALUES ($1, $2)', [10, 'lost']);
        await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [1, 'duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id FROM notes WHERE id = $1', [10])).toEqual([]);
  });
});
