/**
 * A FIFO lock. PGlite is one connection, so interleaving two transactions' statements would mix them;
 * the embedded adapter runs every statement and transaction under this lock instead.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
