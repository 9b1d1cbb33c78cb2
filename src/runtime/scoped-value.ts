import { AsyncLocalStorage } from 'node:async_hooks';

interface Frame {
  readonly slot: ScopedValue<unknown>;
  readonly value: unknown;
  readonly parent: Frame | undefined;
}

/**
 * Every ScopedValue lives in this one AsyncLocalStorage. On Node 20 each AsyncLocalStorage in use stores its
 * value on every promise created anywhere (a property added by the init hook), and a request creates hundreds
 * of promises: three storages were about a tenth of what an implicit-sync PUT allocated. Frames chain to
 * their parent, so a value set by an outer `run` stays visible inside an inner one for another slot.
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
