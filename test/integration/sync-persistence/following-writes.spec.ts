import { FollowingExecutor } from '../../../src/persistence/following-writes';
import { openTestDatabase, REPO_KINDS, type TestDatabase } from './test-database';

/**
 * A write and its follower go to the database as one statement: the follower sees what the write wrote,
 * writes nothing when the write wrote nothing, and fails with it.
 */
describe.each(REPO_KINDS)('a write with a follower on %s', (kind) => {
  let handle: TestDatabase;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    await handle.db.query('CREATE TABLE IF NOT EXISTS things (id text PRIMARY KEY, n int NOT NULL)');
    await handle.db.query('CREATE TABLE IF NOT EXISTS notes (thing text PRIMARY KEY, seen int NOT NULL)');
  });
  afterAll(async () => {
    await handle.db.query('DROP TABLE IF EXISTS things, notes');
    await handle.destroy();
  });
  beforeEach(async () => {
    await handle.db.query('DELETE FROM things');
    await handle.db.query('DELETE FROM notes');
  });

  const NOTE = `INSERT INTO notes (thing, seen) SELECT written.id, written.n + $1 FROM concord_written AS written
                RETURNING thing, seen`;

  it('runs the follower after the write, on the row it wrote, and gives both results', async () => {
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow<{ thing: string; seen: number }>(NOTE, [100]);
    expect(tx.waiting).toBe(true);
    const written = await tx.query<{ id: string; n: number }>(
      'INSERT INTO things (id, n) VALUES ($1, $2) RETURNING id, n',
      ['a', 7],
    );
    expect(written).toEqual([{ id: 'a', n: 7 }]);
    expect(await followed).toEqual({ thing: 'a', seen: 107 });
    expect(tx.waiting).toBe(false);
    expect(await handle.db.query('SELECT thing, seen FROM notes')).toEqual([{ thing: 'a', seen: 107 }]);
  });

  it('writes nothing after a write that wrote nothing', async () => {
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow(NOTE, [1]);
    const written = await tx.query('UPDATE things SET n = n + 1 WHERE id = $1 RETURNING id, n', ['absent']);
    expect(written).toEqual([]);
    expect(await followed).toBeNull();
    expect(await handle.db.query('SELECT * FROM notes')).toEqual([]);
  });

  it('keeps nothing of the write when the follower fails, and says why', async () => {
    await handle.db.query(`INSERT INTO notes (thing, seen) VALUES ('b', 0)`);
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow(NOTE, [1]);
    followed.catch(() => undefined);
    await expect(tx.query(`INSERT INTO things (id, n) VALUES ('b', 1) RETURNING id, n`)).rejects.toThrow(
      /duplicate key/,
    );
    await expect(followed).rejects.toThrow(/duplicate key/);
    expect(await handle.db.query('SELECT * FROM things')).toEqual([]);
  });

  it('makes a companion read in the same statement, as the database was when the statement began', async () => {
    await handle.db.query(`INSERT INTO things (id, n) VALUES ('d', 1), ('e', 5)`);
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow(NOTE, [10]);
    tx.alongside({ sql: 'SELECT id, n FROM things WHERE n >= $1 ORDER BY id', params: [1] });
    expect(tx.companionResult).toBeNull();
    await tx.query('UPDATE things SET n = $2 WHERE id = $1 RETURNING id, n', ['d', 3]);
    expect(await followed).toEqual({ thing: 'd', seen: 13 });
    // The write's own change is not in it: every part of a statement sees the same snapshot.
    expect(tx.companionResult).toEqual([
      { id: 'd', n: 1 },
      { id: 'e', n: 5 },
    ]);
  });

  it('gives no companion rows when the write wrote nothing', async () => {
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow(NOTE, [0]);
    tx.alongside({ sql: 'SELECT id FROM things', params: [] });
    await tx.query('UPDATE things SET n = 0 WHERE id = $1 RETURNING id, n', ['absent']);
    expect(await followed).toBeNull();
    expect(tx.companionResult).toBeNull();
  });

  it('sends reads and writes without RETURNING as they are, and deferred writes only when drained', async () => {
    const tx = new FollowingExecutor(handle.db);
    const followed = tx.follow(NOTE, [0]);
    await tx.query(`INSERT INTO things (id, n) VALUES ('c', 1)`);
    expect(await tx.query('SELECT id FROM things')).toEqual([{ id: 'c' }]);
    expect(tx.waiting).toBe(true);
    tx.defer(`INSERT INTO notes (thing, seen) VALUES ('deferred', 0)`);
    expect(tx.holdsDeferred).toBe(true);
    await tx.query(`UPDATE things SET n = 2 WHERE id = 'c' RETURNING id, n`);
    expect(await followed).toEqual({ thing: 'c', seen: 2 });
    expect(await handle.db.query(`SELECT thing FROM notes WHERE thing = 'deferred'`)).toEqual([]);
    await tx.drain();
    expect(tx.holdsDeferred).toBe(false);
    expect(await handle.db.query(`SELECT thing FROM notes WHERE thing = 'deferred'`)).toEqual([
      { thing: 'deferred' },
    ]);
  });
});
