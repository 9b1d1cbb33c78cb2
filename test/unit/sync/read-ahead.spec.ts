import { readAheadWhile } from '../../../src/sync/read-ahead';

/** A source of pages 1…n that counts how many were asked for and whether it was closed. */
function countedPages(n: number, failAt = 0) {
  const seen = { pulled: 0, closed: false };
  const pages = (async function* () {
    try {
      for (let page = 1; page <= n; page++) {
        seen.pulled = page;
        if (page === failAt) throw new Error(`page ${page} failed`);
        yield page;
      }
    } finally {
      seen.closed = true;
    }
  })();
  return { pages, seen };
}

/** Lets pending promise callbacks run (each pull settles in a few microtask turns). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function deferred() {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

async function take<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('readAheadWhile (a recon reads source pages while its link prefetch runs)', () => {
  it('pulls up to `most` pages before anyone asks, while the prefetch runs', async () => {
    const { pages, seen } = countedPages(100);
    const prefetch = deferred();
    const ahead = readAheadWhile(pages, prefetch.promise, 5);
    await settle();
    expect(seen.pulled).toBe(5);
    await settle();
    expect(seen.pulled).toBe(5);
    prefetch.resolve();
    expect(await take(ahead)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('takes the next page out of the pages read ahead as the consumer makes room', async () => {
    const { pages, seen } = countedPages(100);
    const prefetch = deferred();
    const iterator = readAheadWhile(pages, prefetch.promise, 3)[Symbol.asyncIterator]();
    await settle();
    expect((await iterator.next()).value).toBe(1);
    await settle();
    // One taken, one more read in its place.
    expect(seen.pulled).toBe(4);
    prefetch.resolve();
    await settle();
    expect((await iterator.next()).value).toBe(2);
    await settle();
    // After the prefetch, a page is read only when asked for.
    expect(seen.pulled).toBe(4);
    await iterator.return?.();
    expect(seen.closed).toBe(true);
  });

  it('reads on demand once the prefetch has failed, and gives every page in order', async () => {
    const { pages, seen } = countedPages(10);
    const prefetch = deferred();
    const ahead = readAheadWhile(pages, prefetch.promise, 50);
    prefetch.reject(new Error('the links could not be read'));
    await settle();
    expect(seen.pulled).toBeLessThanOrEqual(1);
    expect(await take(ahead)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stops at a source that has fewer pages than it may read ahead', async () => {
    const { pages, seen } = countedPages(2);
    const ahead = readAheadWhile(pages, new Promise(() => undefined), 10);
    await settle();
    expect(seen.pulled).toBe(2);
    expect(await take(ahead)).toEqual([1, 2]);
    expect(seen.closed).toBe(true);
  });

  it('hands a failure read ahead to the consumer at the page where it happened, not before', async () => {
    const { pages } = countedPages(10, 3);
    const ahead = readAheadWhile(pages, new Promise(() => undefined), 10);
    await settle();
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const page of ahead) got.push(page);
      })(),
    ).rejects.toThrow('page 3 failed');
    expect(got).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early, with pages still read ahead', async () => {
    const { pages, seen } = countedPages(100);
    const ahead = readAheadWhile(pages, new Promise(() => undefined), 8);
    for await (const page of ahead) if (page === 2) break;
    expect(seen.closed).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(9);
  });
});
