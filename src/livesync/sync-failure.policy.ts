import { DomainError } from '../core/errors/domain-error';
import type { JsonObject } from '../managed/managed-object';

/** `syncFailureHandler.postRetryAction` of a provisioner file (§5.3). */
export type PostRetryAction =
  | { readonly kind: 'logged-ignore' }
  | { readonly kind: 'dead-letter-queue' }
  | { readonly kind: 'script'; readonly script: JsonObject };

export interface SyncFailurePolicy {
  /** Retries of a failing change after its first failure; -1 retries for ever (the batch stops there). */
  readonly maxRetries: number;
  readonly postRetryAction: PostRetryAction;
}

/** OpenIDM's behaviour without a `syncFailureHandler`: retry the failing change for ever. */
export const RETRY_FOREVER: SyncFailurePolicy = {
  maxRetries: -1,
  postRetryAction: { kind: 'logged-ignore' },
};

/**
 * Reads `syncFailureHandler` from a provisioner file: `maxRetries` absent or -1 retries for ever, `0` runs the
 * post-retry action at the first failure; `postRetryAction` is `logged-ignore`, `dead-letter-queue` or
 * `{"script": {...}}`.
 */
export function parseSyncFailurePolicy(file: string, raw: unknown): SyncFailurePolicy {
  if (raw === undefined || raw === null) return RETRY_FOREVER;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(file, '', 'an object');
  const handler = raw as Record<string, unknown>;
  const retries = handler.maxRetries === undefined ? -1 : Number(handler.maxRetries);
  if (!Number.isInteger(retries) || retries < -1) throw invalid(file, '/maxRetries', '-1 or more');
  const action = handler.postRetryAction ?? 'logged-ignore';
  if (action === 'logged-ignore' || action === 'dead-letter-queue') {
    return { maxRetries: retries, postRetryAction: { kind: action } };
  }
  if (typeof action === 'object' && action !== null && !Array.isArray(action)) {
    const script = (action as Record<string, unknown>).script;
    if (typeof script === 'object' && script !== null && !Array.isArray(script)) {
      return { maxRetries: retries, postRetryAction: { kind: 'script', script: script as JsonObject } };
    }
  }
  throw invalid(file, '/postRetryAction', '"logged-ignore", "dead-letter-queue" or {"script": {...}}');
}

/** After `failures` failures of the same change: try it again on the next live sync, or give up on it now. */
export function afterFailure(policy: SyncFailurePolicy, failures: number): 'retry' | 'post-retry-action' {
  if (policy.maxRetries < 0) return 'retry';
  return failures > policy.maxRetries ? 'post-retry-action' : 'retry';
}

function invalid(file: string, path: string, expected: string): DomainError {
  return new DomainError('CONFIG_INVALID', `${file}: /syncFailureHandler${path}: expected ${expected}`);
}
