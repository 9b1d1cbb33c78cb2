import { ScopedValue } from '../runtime/scoped-value';

/** Who a managed write is done for, and the request it belongs to (§9: `userId`, `runAs`, `transactionId`). */
export interface ActivityContext {
  readonly userId: string;
  readonly transactionId: string;
  /** The HTTP request's id (`X-Request-Id`), which log lines written while it is handled carry. */
  readonly requestId?: string;
  /**
   * What the work was started by when that is not a request's own write: `recon` for a reconciliation's writes
   * and events, which audit.json can filter apart (`eventTopics.<topic>.filter.triggers`).
   */
  readonly trigger?: string;
}

const current = new ScopedValue<ActivityContext>();

/**
 * Runs `work` with `context` as the activity context of everything it does, awaited or not: a recon started
 * by a request keeps its caller as `userId` after the reply has gone.
 */
export function withActivityContext<T>(context: ActivityContext, work: () => T): T {
  return current.run(context, work);
}

/** The context of the request (or recon) the caller runs in; undefined for the queue worker and the poller. */
export function activityContext(): ActivityContext | undefined {
  return current.get();
}
