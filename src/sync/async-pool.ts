/**
 * Runs `work` for every item of a (possibly async, possibly endless) stream with at most `limit` calls in
 * flight: recon's `taskThreads`. The stream is pulled only when a slot is free, so a 10^6-entry source is
 * never held in memory. `shouldStop` is checked before each item (cancel). A rejection of `work` stops the
 * pool and is rethrown once the calls in flight have settled; callers that must go on catch inside `work`.
 *
 * `limit` workers each take the next item when their previous call is done (rather than racing the calls in
 * flight, which attaches a reaction to every pending call per item); a plain array or other sync iterable is
 * read without a promise per item.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void> | void,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const slots = Math.max(1, Math.floor(limit));
  let failure: { error: unknown } | undefined;
  let done = false;
  const next = nextItem(items);
  const worker = async (): Promise<void> => {
    while (!done && failure === undefined && !shouldStop()) {
      // An array's item is there already: awaiting it would cost a promise per item for nothing.
      const pulling = next();
      const pulled = pulling instanceof Promise ? await pulling : pulling;
      if (pulled.done === true) {
        done = true;
        return;
      }
      if (failure !== undefined || shouldStop()) return;
      try {
        // Work done at once (no promise returned) is not awaited: a promise per item costs.
        const working = work(pulled.value);
        if (working instanceof Promise) await working;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  try {
    for (let i = 0; i < slots; i++) workers.push(worker());
    await Promise.all(workers);
  } finally {
    await next.close();
  }
  if (failure !== undefined) throw failure.error;
}

type Pull<T> = (() => IteratorResult<T> | Promise<IteratorResult<T>>) & { close(): Promise<void> };

/** One item at a time from either kind of iterable; async pulls are chained so that none overlap. */
function nextItem<T>(items: AsyncIterable<T> | Iterable<T>): Pull<T> {
  if (Symbol.iterator in items) {
    const iterator = items[Symbol.iterator]();
    return Object.assign(() => iterator.next(), {
      close: async () => {
        iterator.return?.();
      },
    });
  }
  const iterator = items[Symbol.asyncIterator]();
  let last: Promise<IteratorResult<T>> = Promise.resolve({ done: false, value: undefined as T });
  let finished = false;
  return Object.assign(
    () => {
      last = last.then((previous) => (previous.done === true ? previous : iterator.next().then(remember)));
      return last;
    },
    {
      close: async () => {
        await last.catch(() => undefined);
        if (!finished) await iterator.return?.();
      },
    },
  );
  function remember(result: IteratorResult<T>): IteratorResult<T> {
    if (result.done === true) finished = true;
    return result;
  }
}
