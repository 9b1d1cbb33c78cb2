import { Logger } from '@nestjs/common';
import { TrailingWrites } from '../../../src/persistence/trailing-writes';

/** A promise with its resolve and reject in hand. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('writes after the reply', () => {
  it('runs the writes of one object in the order given, and those of others beside them', async () => {
    const trailing = new TrailingWrites();
    const order: string[] = [];
    const first = gate();
    trailing.track('managed/user/a', async () => {
      await first.promise;
      order.push('a1');
    });
    trailing.track('managed/user/a', () => Promise.resolve(order.push('a2')));
    trailing.track('managed/user/b', () => Promise.resolve(order.push('b1')));
    await trailing.before('managed/user/b');
    expect(order).toEqual(['b1']);
    first.open();
    await trailing.before('managed/user/a');
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('lets a read wait for what was tracked before it, not for what comes after', async () => {
    const trailing = new TrailingWrites();
    const early = gate();
    let earlyDone = false;
    trailing.track('x', async () => {
      await early.promise;
      earlyDone = true;
    });
    const read = trailing.settled();
    const late = gate();
    trailing.track('y', () => late.promise);
    early.open();
    await read;
    expect(earlyDone).toBe(true);
    late.open();
    await trailing.drained();
  });

  it('logs a failed write and goes on with the next one of the same object', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const trailing = new TrailingWrites();
      const failing = gate();
      let next = false;
      trailing.track('k', () => failing.promise);
      trailing.track('k', () => Promise.resolve((next = true)));
      failing.fail(new Error('connection reset'));
      await trailing.drained();
      expect(next).toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection reset'));
    } finally {
      warn.mockRestore();
    }
  });

  it('has nothing to wait for when nothing was tracked', async () => {
    const trailing = new TrailingWrites();
    await expect(trailing.before('none')).resolves.toBeUndefined();
    await expect(trailing.settled()).resolves.toBeUndefined();
  });
});
