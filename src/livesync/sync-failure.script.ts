import type { JsonObject } from '../managed/managed-object';

/** A built-in handler the script handed the change to (`failureHandlers.deadLetterQueue.invoke(...)`). */
export type DelegatedFailureAction = 'logged-ignore' | 'dead-letter-queue';

/**
 * Port: runs a `postRetryAction: {"script": {...}}` with `syncFailure`, `failureCause` and `failureHandlers` in
 * scope (§5.3); rejects when the script throws. Resolves to the built-in handler the script invoked, if any, for
 * the caller to carry out. The sandboxed adapter is sync-failure.sandbox-script.ts.
 */
export abstract class SyncFailureScript {
  abstract run(script: JsonObject, scope: JsonObject, where: string): Promise<DelegatedFailureAction | null>;
}
