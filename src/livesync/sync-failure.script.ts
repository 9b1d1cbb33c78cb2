import type { JsonObject } from '../managed/managed-object';

/**
 * Port: runs a `postRetryAction: {"script": {...}}` with `syncFailure` and `failureCause` in scope (§5.3);
 * rejects when the script throws. The sandboxed adapter is sync-failure.sandbox-script.ts.
 */
export abstract class SyncFailureScript {
  abstract run(script: JsonObject, scope: JsonObject, where: string): Promise<void>;
}
