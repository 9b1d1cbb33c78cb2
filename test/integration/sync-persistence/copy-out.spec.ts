import { forEachCopyRow } from '../../../src/persistence/copy-text-rows';
import { copyReader } from '../../../src/persistence/cursor-pages';
import { openTestDatabase, type TestDatabase } from './test-database';

// Recon's prefetch reads its links and target versions so on PostgreSQL (the pool here has 4 connections).
describe('every row of a query through COPY TO STDOUT, on postgres', () => {
  let database: TestDatabase;
  let copyOut: NonNullable<ReturnType<typeof copyReader>>;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await database.db.query(
      `CREATE TABLE words AS SELECT n, 'w' || n AS word FROM generate_series(1, 20000) AS n`,
    );
    copyOut = copyReader(database.db) as typeof copyOut;
  });

  afterAll(async () => {
    await database.destroy();
  });

  async function words(select: string, params: string[]): Promise<string[]> {
    const found: string[] = [];
    await forEachCopyRow(copyOut(select, params), 2, (row) => found.push(`${row.text(0)}=${row.text(1)}`));
    return found;
  }

  it('binds text parameters without putting them in the SQL text', async () => {
    const quote = "w1' OR '1'='1";
    expect(await words('SELECT n, word FROM words WHERE word = $1 OR word = $2', ['w7', quote])).toEqual([
      '7=w7',
    ]);
    expect(await words('SELECT n, word FROM words WHERE n > $1::int', ['19998'])).toEqual([
      '19999=w19999',
      '20000=w20000',
    ]);
    expect(await words('SELECT n, word FROM words', [])).toHaveLength(20_000);
  });

  it('leaves the pool usable after a reader that stops early and after a failing statement', async () => {
    // More early stops than the pool has connections: a connection left inside its COPY would be handed out again.
    for (let i = 0; i < 6; i++) {
      for await (const chunk of copyOut('SELECT n, word FROM words', [])) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
    }
    await expect(words('SELECT n, no_such_column FROM words', [])).rejects.toThrow(/no_such_column/);
    const counts = await Promise.all(
      Array.from({ length: 8 }, () =>
        database.db.query<{ c: string }>('SELECT count(*)::text AS c FROM words'),
      ),
    );
    expect(counts.map((rows) => rows[0]?.c)).toEqual(Array(8).fill('20000'));
    expect(await words('SELECT n, word FROM words WHERE n = $1::int', ['5'])).toEqual(['5=w5']);
  });

  it('gives rows of every length, from empty to larger than a socket read, as a plain query does', async () => {
    // Up to 70 kB a row, past the 64 kB a socket read gives; some rows end in a two-byte character.
    const select = `SELECT n, repeat(chr(65 + n % 26), (n * 7919) % 70000) || CASE WHEN n % 7 = 0 THEN 'é' ELSE '' END
      FROM generate_series(0, 300) AS n`;
    const copied: string[] = [];
    await forEachCopyRow(copyOut(select, []), 2, (row) => copied.push(`${row.text(0)}=${row.text(1)}`));
    const queried = await database.db.query<{ n: number; t: string }>(`SELECT * FROM (${select}) AS q(n, t)`);
    expect(copied).toEqual(queried.map((row) => `${row.n}=${row.t}`));
  });

  it('fails with the error the server meets after rows were sent, and the pool stays usable', async () => {
    let rows = 0;
    await expect(
      forEachCopyRow(
        copyOut('SELECT n, 100 / (15000 - n) FROM generate_series(1, 20000) AS n', []),
        2,
        () => (rows += 1),
      ),
    ).rejects.toThrow(/division by zero/);
    expect(rows).toBeLessThan(15_000);
    expect(await words('SELECT n, word FROM words WHERE n = $1::int', ['9'])).toEqual(['9=w9']);
  });

  it('reads past notices the server sends between rows', async () => {
    await database.db.query(`CREATE FUNCTION noisy(n int) RETURNS int AS $$
      BEGIN IF n % 500 = 0 THEN RAISE NOTICE 'row %', n; END IF; RETURN n; END $$ LANGUAGE plpgsql`);
    expect(await words('SELECT noisy(n), word FROM words WHERE n <= 2000', [])).toHaveLength(2_000);
  });

  it('is not offered by the embedded repository', async () => {
    const embedded = await openTestDatabase('embedded');
    try {
      expect(copyReader(embedded.db)).toBeNull();
    } finally {
      await embedded.destroy();
    }
  });
});
