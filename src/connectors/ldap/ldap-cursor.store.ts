/**
 * Server-side cursors behind REST paging (`_pagedResultsCookie`). An LDAP paged-results cookie is only valid on
 * the connection that produced it, so a page cannot be resumed from the cookie alone: the running stream is kept
 * here under a random cookie, holding its connection, and is closed after `ttlMs` without a request or when more
 * than `max` cursors are open (oldest first).
 */
import { randomUUID } from 'node:crypto';

interface Cursor<T> {
  readonly iterator: AsyncIterator<T>;
  /** An item already pulled to learn whether another page exists. */
  pending: T | undefined;
  timer: NodeJS.Timeout;
}

export class CursorStore<T> {
  private readonly cursors = new Map<string, Cursor<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** Takes up to `count` items from a new stream (after skipping `offset`); returns a cookie if more remain. */
  async first(
    iterator: AsyncIterator<T>,
    count: number,
    offset = 0,
  ): Promise<{ items: T[]; cookie: string | null }> {
    for (let i = 0; i < offset; i++) {
      if ((await iterator.next()).done) return { items: [], cookie: null };
    }
    return this.take({ iterator, pending: undefined, timer: undefined as unknown as NodeJS.Timeout }, count);
  }

  /** The next page of the cursor named by `cookie`, or null when it is unknown or expired. */
  async next(cookie: string, count: number): Promise<{ items: T[]; cookie: string | null } | null> {
    const cursor = this.cursors.get(cookie);
    if (!cursor) return null;
    this.cursors.delete(cookie);
    clearTimeout(cursor.timer);
    return this.take(cursor, count);
  }

  async closeAll(): Promise<void> {
    const all = [...this.cursors.values()];
    this.cursors.clear();
    await Promise.all(all.map((c) => this.close(c)));
  }

  private async take(cursor: Cursor<T>, count: number): Promise<{ items: T[]; cookie: string | null }> {
    const items: T[] = [];
    try {
      if (cursor.pending !== undefined) items.push(cursor.pending);
      cursor.pending = undefined;
      while (items.length < count) {
        const next = await cursor.iterator.next();
        if (next.done) return { items, cookie: null };
        items.push(next.value);
      }
      const peek = await cursor.iterator.next();
      if (peek.done) return { items, cookie: null };
      cursor.pending = peek.value;
    } catch (error) {
      await this.close(cursor);
      throw error;
    }
    const cookie = randomUUID();
    cursor.timer = setTimeout(() => {
      this.cursors.delete(cookie);
      void this.close(cursor);
    }, this.ttlMs);
    cursor.timer.unref();
    this.cursors.set(cookie, cursor);
    while (this.cursors.size > this.max) {
      const [oldest] = this.cursors.keys();
      if (oldest === undefined) break;
      const evicted = this.cursors.get(oldest);
      this.cursors.delete(oldest);
      if (evicted) {
        clearTimeout(evicted.timer);
        void this.close(evicted);
      }
    }
    return { items, cookie };
  }

  private async close(cursor: Cursor<T>): Promise<void> {
    await cursor.iterator.return?.(undefined).catch(() => undefined);
  }
}
