/**
 * The items of `items`, pulled ahead of their consumer while `until` is unsettled, with at most `most` of them
 * waiting; once `until` settles, one is pulled only when asked for (those read ahead come first). A recon reads
 * its first source pages so while its link prefetch runs: the directory serves them while the database joins
 * the links, instead of one after the other.
 *
 * The consumer must take at least one item before giving up (as `peek` does): only a started iteration ends the
 * source's own (its `return`, which releases a leased connection).
 */
export function readAheadWhile<T>(
  items: AsyncIterable<T>,
  until: Promise<unknown>,
  most: number,
): AsyncIterable<T> {
  const iterator = items[Symbol.asyncIterator]();
  // Pulls in call order: an async iterator settles its `next` calls in the order they were made.
  const ahead: Array<Promise<IteratorResult<T>>> = [];
  let reading = true;
  let pulling = false;
  let ended = false;
  const pullAhead = (): void => {
    if (!reading || pulling || ended || ahead.length >= most) return;
    pulling = true;
    const next = iterator.next();
    ahead.push(next);
    next.then(
      (result) => {
        pulling = false;
        if (result.done === true) ended = true;
        else pullAhead();
      },
      // The consumer meets the error when it takes this pull.
      () => {
        pulling = false;
        ended = true;
      },
    );
  };
  const stopReading = (): void => {
    reading = false;
  };
  until.then(stopReading, stopReading);
  pullAhead();
  return (async function* () {
    try {
      for (;;) {
        const next = ahead.shift() ?? iterator.next();
        pullAhead();
        const result = await next;
        if (result.done === true) return;
        yield result.value;
      }
    } finally {
      await iterator.return?.();
    }
  })();
}
