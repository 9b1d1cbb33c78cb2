import { ScopedValue } from '../runtime/scoped-value';
import type { EnqueuedRef } from './change-queue.store';
import type { SeenObject } from './change-processor.port';

/** What a `collectingDeferred` caller gathers, and what it derived the operation's writes from. */
interface Collecting {
  readonly refs: EnqueuedRef[];
  readonly seen: SeenObject | undefined;
}

const deferred = new ScopedValue<true>();
const collected = new ScopedValue<Collecting>();

/**
 * Runs a managed write whose implicit sync must wait for the queue's worker instead of running inside the request.
 * The sync engine writes managed targets this way: OpenIDM's pending LINK/UNLINK (§5.4) means the reverse mappings
 * must see the link the engine creates (or removes) right after the write, so they assess CONFIRMED (or ALL_GONE)
 * and do not provision a duplicate back. The change is still recorded atomically with the write.
 */
export function withDeferredDelivery<T>(write: () => Promise<T>): Promise<T> {
  return deferred.run(true, write);
}

export function deliveryIsDeferred(): boolean {
  return deferred.get() === true;
}

/**
 * Runs one whole sync operation of the engine (an implicit or live sync of one object, every mapping) and
 * gathers into `refs` the changes its deferred managed writes recorded, so that the caller can deliver them
 * as soon as the operation — links included — is done: the reverse mappings then run within the same call,
 * as OpenIDM's pending LINK has them run, rather than a worker pass later. `seen`: the object the operation
 * derived its writes from (live sync's entry), recorded with each of their changes (deferredSeen).
 */
export function collectingDeferred<T>(
  refs: EnqueuedRef[],
  work: () => Promise<T>,
  seen?: SeenObject,
): Promise<T> {
  return collected.run({ refs, seen }, work);
}

/** Whether a deferred write's change will be delivered by a `collectingDeferred` caller right after. */
export function deliveryIsCollected(): boolean {
  return collected.get() !== undefined;
}

/** A deferred write's change, for the innermost `collectingDeferred` around it (if any). */
export function noteDeferred(ref: EnqueuedRef): void {
  collected.get()?.refs.push(ref);
}

/**
 * The object the innermost `collectingDeferred` operation derived its writes from, which their queue rows keep:
 * should the delivery right after the operation not happen or fail, the worker's retry still compares against it.
 */
export function deferredSeen(): SeenObject | undefined {
  return collected.get()?.seen;
}
