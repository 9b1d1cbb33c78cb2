/**
 * A value now, or a promise of it when it has to wait for another system. Per-entry decisions of the sync engine
 * return this: a mapping's scripts usually answer at once (EvaluateScript.now), and an async function costs a
 * promise per call even then — each one visited by the async hooks of AsyncLocalStorage and left to the garbage
 * collector. A recon of 100,000 entries made about 47 promises per created entry.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next` applied to `value`: at once when it is there, after it resolves when it is a promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
