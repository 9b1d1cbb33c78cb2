import { Logger } from '@nestjs/common';

/**
 * Writes a request does not wait for: the removal of a delivered queue row and the audit lines of a write,
 * sent after the request's reply is on its way (each is one more round trip to PostgreSQL, and on these
 * machines a round trip costs a PUT more than anything it computes). Losing one to a crash harms nothing (a
 * delivery repeated changes nothing; OpenIDM writes its audit apart from the repository too).
 *
 * What Concord reads back later must still see them: reads of the audit trail and the queue wait for what
 * is running (`settled`), and a new write of an object waits for the last one's (`before`), so that an
 * object's queue row is free again when its next change is recorded.
 */
/**
 * The key an object's trailing writes go by: the recorder waits on it before the object's next write, and the
 * queue row's removal is tracked under it, so both must spell it alike.
 */
export function trailingKey(resource: string, objectId: string): string {
  return `${resource}/${objectId}`;
}

export class TrailingWrites {
  private readonly logger = new Logger('TrailingWrites');
  private readonly running = new Map<string, Promise<void>>();
  private readonly hurries: (() => void)[] = [];

  /**
   * `hurry` runs whenever someone starts waiting for tracked writes: a write that lingers to go with others
   * (ClosingBatch) must go now.
   */
  onWait(hurry: () => void): void {
    this.hurries.push(hurry);
  }

  /** Runs `work` now without waiting for it; `key` names the object it concerns. Failures are logged. */
  track(key: string, work: () => Promise<unknown>): void {
    const previous = this.running.get(key);
    const next = (previous ?? Promise.resolve())
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn(
            `A write after the reply failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      )
      .finally(() => {
        if (this.running.get(key) === next) this.running.delete(key);
      });
    this.running.set(key, next);
  }

  /** Resolves once the writes tracked for `key` so far are done (at once when there are none). */
  async before(key: string): Promise<void> {
    const running = this.running.get(key);
    if (running === undefined) return;
    this.hurry();
    await running;
  }

  /** Resolves once every write tracked so far is done (not those tracked meanwhile: reads must not starve). */
  async settled(): Promise<void> {
    if (this.running.size === 0) return;
    this.hurry();
    await Promise.all(this.running.values());
  }

  /** Resolves once nothing is running any more (before the connections close). */
  async drained(): Promise<void> {
    while (this.running.size > 0) await this.settled();
  }

  private hurry(): void {
    for (const hurry of this.hurries) hurry();
  }
}
