import { AsyncLocalStorage } from 'node:async_hooks';

const deferred = new AsyncLocalStorage<true>();

/**
 * Runs a managed write whose implicit sync must wait for the queue's worker instead of running inside the request.
 * The sync engine writes managed targets this way: OpenIDM's pending LINK/UNLINK (§5.4) means the reverse mappings
 * must see the link the engine creates (or removes) right after the write, so they assess CONFIRMED (or ALL_GONE)
 * and do not provision a duplicate back. The change is still recorded in the same transaction as the write.
 */
export function withDeferredDelivery<T>(write: () => Promise<T>): Promise<T> {
  return deferred.run(true, write);
}

export function deliveryIsDeferred(): boolean {
  return deferred.getStore() === true;
}
