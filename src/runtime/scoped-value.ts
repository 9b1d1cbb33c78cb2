import { AsyncLocalStorage } from 'node:async_hooks';

interface Frame {
  readonly slot: ScopedValue<unknown>;
  readonly value: unknown;
  readonly parent: Frame | undefined;
}

/**
 * Every ScopedValue lives in this one AsyncLocalStorage. On Node 20 each AsyncLocalStorage in use is visited by
 * the init hook of every promise created anywhere (its value copied onto the promise), and a request creates
 * hundreds of promises; one storage for the request's activity and the delivery's scope keeps that to one.
 * Frames chain to their parent, so a value set by an outer `run` stays visible inside an inner one for
 * another slot.
 */
const frames = new AsyncLocalStorage<Frame>();

/** A value that follows the work started under `run`, awaited or not (AsyncLocalStorage's semantics). */
export class ScopedValue<T> {
  run<R>(value: T, work: () => R): R {
    return frames.run({ slot: this, value, parent: frames.getStore() }, work);
  }

  /** The value of the innermost `run` of this slot around the caller, or undefined. */
  get(): T | undefined {
    for (let frame = frames.getStore(); frame !== undefined; frame = frame.parent) {
      if (frame.slot === this) return frame.value as T;
    }
    return undefined;
  }
}
