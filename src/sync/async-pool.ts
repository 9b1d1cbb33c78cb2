/**
 * Runs `work` for every item of a (possibly async, possibly endless) stream with at most `limit` calls in
 * flight: recon's `taskThreads`. The stream is pulled only when a slot is free, so a 10^6-entry source is
 * never held in memory. `shouldStop` is checked before each item (cancel). A rejection of `work` stops the
 * pool and is rethrown once the calls in flight have settled; callers that must go on catch inside `work`.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const slots = Math.max(1, Math.floor(limit));
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of items as AsyncIterable<T>) {
    if (failure !== undefined || shouldStop()) break;
    const task: Promise<void> = work(item).then(
      () => {
        inFlight.delete(task);
      },
      (error: unknown) => {
        inFlight.delete(task);
        failure ??= { error };
      },
    );
    inFlight.add(task);
    if (inFlight.size >= slots) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
}
