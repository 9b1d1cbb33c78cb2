import type { SqlDatabase, SqlExecutor } from './sql-database';

/**
 * Runs a keyset page (`… ORDER BY <an index's columns> LIMIT n`) with sorts turned off, so that the index order
 * is the only plan left. Right after a recon has written its rows the planner's statistics still describe an
 * almost empty table (autovacuum analyzes later, or never where it is off; PGlite every minute): it then reads
 * every remaining row of the type and sorts them for each page (recon's 100k target versions: 1.65 s of execution,
 * 111-217 ms a page of 10,000 against 29-42 ms in index order; 60-90 ms a page of 5,000 links). In index order a
 * page costs what it returns.
 */
export function inIndexOrder<T>(db: SqlDatabase, page: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_sort = off');
    return page(tx);
  });
}
