import type { SqlDatabase } from './sql-database';

/**
 * Whether `db` can hold a cursor's transaction while other statements run: a PostgreSQL server can (a pool); the
 * embedded PGlite cannot (its transaction holds its only connection), so readers there keep to keyset pages.
 */
export function readsByCursor(db: SqlDatabase): boolean {
  return db.kind === 'postgres';
}

/** `db`'s COPY reader (SqlDatabase.copyOut) on a PostgreSQL server; null for the embedded PGlite. */
export function copyReader(
  db: SqlDatabase,
): ((select: string, params: readonly string[]) => AsyncIterable<Buffer>) | null {
  if (db.kind !== 'postgres' || db.copyOut === undefined) return null;
  return db.copyOut.bind(db);
}

/**
 * Every row of `sql` in pages of `pageSize`, read through a cursor in one transaction: a single pass in whatever
 * order is cheapest, for readers that need every row and no order (recon's target ids and versions where they are
 * compared without case; the rest go through COPY, copy-text-rows.ts). Keyset pages walk an index and visit the heap in index order: 100k target versions cost the
 * backend 0.17-0.4 s of CPU so, 0.1-0.16 s as one sequential scan.
 *
 * The next page is fetched while the caller works on the last one; the transaction (and its connection) is held
 * until the last page is taken or the caller stops iterating: callers ask `readsByCursor` first.
 */
export function cursorPages<Row>(
  db: SqlDatabase,
  sql: string,
  params: readonly unknown[],
  pageSize: number,
): AsyncIterable<Row[]> {
  const size = Math.max(1, Math.floor(pageSize));
  return {
    [Symbol.asyncIterator](): AsyncIterator<Row[]> {
      const handoff = new Handoff<Row[]>();
      let reading: Promise<void> | undefined;
      // The transaction starts with the first `next()`: an iterator never read holds no connection.
      const read = (): Promise<void> =>
        (reading ??= db
          .transaction(async (tx) => {
            // Every row will be read: plan for all of them, not for a quick first tenth (PostgreSQL's default
            // for cursors, which picks an index walk over a sequential scan).
            await tx.query('SET LOCAL cursor_tuple_fraction = 1');
            await tx.query(`DECLARE concord_pages NO SCROLL CURSOR FOR ${sql}`, params);
            for (;;) {
              const rows = await tx.query<Row>(`FETCH FORWARD ${size} FROM concord_pages`);
              if (rows.length > 0 && !(await handoff.give(rows))) return;
              if (rows.length < size) return;
            }
          })
          .then(
            () => handoff.end(),
            (error: unknown) => handoff.fail(error),
          ));
      return {
        next: () => {
          void read();
          return handoff.take();
        },
        return: async () => {
          handoff.stop();
          await reading;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** `pages` with each row turned into what the caller reads. */
export async function* mapPages<Row, T>(
  pages: AsyncIterable<Row[]>,
  map: (row: Row) => T,
): AsyncIterable<T[]> {
  for await (const page of pages) yield page.map(map);
}

/**
 * One page at a time from the reader to the caller. `give` resolves when the caller has taken the page (true)
 * or has stopped (false); `take` resolves with the next page, or done once the reader has ended.
 */
class Handoff<T> {
  private page: { value: T; taken: (more: boolean) => void } | null = null;
  private waiting: {
    resolve: (result: IteratorResult<T, undefined>) => void;
    reject: (error: unknown) => void;
  } | null = null;
  private ended = false;
  private stopped = false;
  private error: Error | null = null;

  give(value: T): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((taken) => {
      const waiting = this.waiting;
      if (waiting !== null) {
        this.waiting = null;
        waiting.resolve({ done: false, value });
        taken(true);
        return;
      }
      this.page = { value, taken };
    });
  }

  take(): Promise<IteratorResult<T, undefined>> {
    const page = this.page;
    if (page !== null) {
      this.page = null;
      page.taken(true);
      return Promise.resolve({ done: false, value: page.value });
    }
    if (this.error !== null) return Promise.reject(this.error);
    if (this.ended || this.stopped) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The caller stopped early: a page on offer is refused, the reader ends. */
  stop(): void {
    this.stopped = true;
    const page = this.page;
    this.page = null;
    page?.taken(false);
  }

  end(): void {
    this.ended = true;
    this.settleWaiting();
  }

  fail(cause: unknown): void {
    this.error = cause instanceof Error ? cause : new Error(String(cause));
    this.settleWaiting();
  }

  private settleWaiting(): void {
    const waiting = this.waiting;
    if (waiting === null) return;
    this.waiting = null;
    if (this.error !== null) waiting.reject(this.error);
    else waiting.resolve({ done: true, value: undefined });
  }
}
