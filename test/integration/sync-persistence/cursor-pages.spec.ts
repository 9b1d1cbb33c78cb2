import { cursorPages } from '../../../src/persistence/cursor-pages';
import { openTestDatabase, type TestDatabase } from './test-database';

// Recon reads its target versions and links so on PostgreSQL (the pool here has 4 connections).
describe('every row of a query in pages through a cursor, on postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await database.db.query(
      `CREATE TABLE numbers AS SELECT n, 'n' || n AS label FROM generate_series(1, 2500) AS n`,
    );
  });

  afterAll(async () => {
    await database.destroy();
  });

  async function drain(pageSize: number, from = 1): Promise<{ sizes: number[]; values: number[] }> {
    const sizes: number[] = [];
    const values: number[] = [];
    const pages = cursorPages<{ n: number }>(
      database.db,
      'SELECT n FROM numbers WHERE n >= $1',
      [from],
      pageSize,
    );
    for await (const page of pages) {
      sizes.push(page.length);
      values.push(...page.map((row) => row.n));
    }
    return { sizes, values };
  }

  it('gives every row once, in pages of the size asked', async () => {
    const { sizes, values } = await drain(1_000);
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(new Set(values).size).toBe(2_500);
    expect(Math.min(...values)).toBe(1);
    expect(Math.max(...values)).toBe(2_500);
  });

  it('binds the parameters, ends on an exact last page, and gives no page for no rows', async () => {
    expect((await drain(500, 2_001)).sizes).toEqual([500]);
    expect((await drain(100, 9_999)).sizes).toEqual([]);
  });

  it('gives its connection back when the reader stops early, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const pages = cursorPages<{ n: number }>(database.db, 'SELECT n FROM numbers', [], 100);
      for await (const page of pages) {
        expect(page).toHaveLength(100);
        break;
      }
    }
    // Ten early stops with four connections: a leaked one would leave this query waiting for ever.
    expect(await database.db.query('SELECT count(*)::int AS count FROM numbers')).toEqual([{ count: 2_500 }]);
  });

  it('holds no connection for an iterable that is never read', async () => {
    for (let i = 0; i < 10; i++) cursorPages(database.db, 'SELECT n FROM numbers', [], 100);
    expect(await database.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('fails the reader with the error of a query that fails, and gives its connection back', async () => {
    // A fresh table is read in the order it was written: the rows before 2,000 come through first.
    const pages = cursorPages(database.db, 'SELECT n / (n - 2000) FROM numbers', [], 500);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of pages) seen.push(page.length);
      })(),
    ).rejects.toThrow(/division by zero/);
    expect(seen).toEqual([500, 500, 500]);
    expect(await database.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
