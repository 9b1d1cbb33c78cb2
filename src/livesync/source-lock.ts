/** What running a live sync under the source's lock gave: its result, or nothing when another node holds the lock. */
export type Exclusive<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/**
 * Port: one live sync per source across every node sharing the repository (OpenIDM schedules live sync with
 * `concurrentExecution: false`). persistence/advisory-source.lock.ts implements it with PostgreSQL advisory
 * locks; the embedded PGlite serves a single node, so there it only serializes within the process.
 */
export abstract class SourceLock {
  /** `wait`: block until the lock is free (REST); otherwise give up at once when it is held (the poller). */
  abstract runExclusive<T>(source: string, wait: boolean, work: () => Promise<T>): Promise<Exclusive<T>>;
}
