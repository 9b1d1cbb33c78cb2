import { ClosingBatch, type ClosingStatement } from '../../../src/persistence/closing-batch';
import type { SqlExecutor } from '../../../src/persistence/sql-database';
import { TrailingWrites } from '../../../src/persistence/trailing-writes';
import { openTestDatabase, REPO_KINDS, type TestDatabase } from '../sync-persistence/test-database';

/** Closing statements as a delivery makes them: audit-like inserts carried by a DELETE … RETURNING. */
const closing = (id: number, notes: readonly string[]): ClosingStatement => ({
  carried: notes.map((note) => ({ sql: 'INSERT INTO probe_notes (note) VALUES ($1)', params: [note] })),
  main: { sql: 'DELETE FROM probe_rows WHERE id = $1 RETURNING id', params: [id] },
});

describe.each(REPO_KINDS)('closing statements sent together on %s', (kind) => {
  let handle: TestDatabase;
  let sent: string[];
  /** The real database, with the statements it is sent written down. */
  let counted: SqlExecutor;

  const remaining = async () =>
    (await handle.db.query<{ id: number }>('SELECT id FROM probe_rows ORDER BY id')).map((row) => row.id);
  const notes = async () =>
    (await handle.db.query<{ note: string }>('SELECT note FROM probe_notes ORDER BY note')).map(
      (r) => r.note,
    );

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    await handle.db.query('CREATE TABLE probe_rows (id int PRIMARY KEY)');
    await handle.db.query('CREATE TABLE probe_notes (note text PRIMARY KEY)');
  });
  afterAll(async () => {
    await handle.destroy();
  });
  beforeEach(async () => {
    await handle.db.query('DELETE FROM probe_notes');
    await handle.db.query('DELETE FROM probe_rows');
    await handle.db.query('INSERT INTO probe_rows (id) SELECT generate_series(1, 5)');
    sent = [];
    counted = {
      query: (sql, params) => {
        sent.push(sql);
        return handle.db.query(sql, params);
      },
    };
  });

  it('sends the statements submitted within the linger as one, and answers each with its own row count', async () => {
    const batch = new ClosingBatch(counted, { lingerMs: 50, maxStatements: 10 });
    const answers = await Promise.all([
      batch.submit(closing(1, ['a1', 'a2'])),
      batch.submit(closing(9, ['b1'])), // no such row: nothing returned, its note written all the same
      batch.submit(closing(3, [])),
    ]);
    expect(answers).toEqual([1, 0, 1]);
    expect(sent).toHaveLength(1);
    expect(await remaining()).toEqual([2, 4, 5]);
    expect(await notes()).toEqual(['a1', 'a2', 'b1']);
  });

  it('sends a full batch at once, without waiting for the linger', async () => {
    const batch = new ClosingBatch(counted, { lingerMs: 60_000, maxStatements: 2 });
    expect(await Promise.all([batch.submit(closing(1, [])), batch.submit(closing(2, []))])).toEqual([1, 1]);
    expect(sent).toHaveLength(1);
    expect(await remaining()).toEqual([3, 4, 5]);
  });

  it('runs the others when one statement of a batch fails, and fails only that one', async () => {
    await handle.db.query("INSERT INTO probe_notes (note) VALUES ('taken')");
    const batch = new ClosingBatch(counted, { lingerMs: 50, maxStatements: 10 });
    const outcomes = await Promise.allSettled([
      batch.submit(closing(1, ['c1'])),
      batch.submit(closing(2, ['taken'])), // a duplicate key: this statement cannot be written
      batch.submit(closing(3, ['c3'])),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await remaining()).toEqual([2, 4, 5]);
    expect(await notes()).toEqual(['c1', 'c3', 'taken']);
  });

  it('goes at once when someone waits for the writes after the reply (a read, the next write of the object)', async () => {
    const batch = new ClosingBatch(counted, { lingerMs: 60_000, maxStatements: 10 });
    const trailing = new TrailingWrites();
    trailing.onWait(() => batch.hurry());
    trailing.track('managed/user/a', () => batch.submit(closing(1, ['d1'])));
    trailing.track('managed/user/b', () => batch.submit(closing(2, [])));
    const began = Date.now();
    await trailing.before('managed/user/a');
    expect(await remaining()).toEqual([3, 4, 5]);
    trailing.track('managed/user/c', () => batch.submit(closing(4, [])));
    await trailing.settled();
    expect(Date.now() - began).toBeLessThan(30_000);
    expect(await remaining()).toEqual([3, 5]);
    expect(await notes()).toEqual(['d1']);
  });
});
