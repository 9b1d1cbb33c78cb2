import { ScopedValue } from '../../../src/runtime/scoped-value';

describe('ScopedValue', () => {
  it('is undefined outside any run and holds the value inside, across awaits and timers', async () => {
    const who = new ScopedValue<string>();
    expect(who.get()).toBeUndefined();
    const seen = await who.run('alice', async () => {
      await Promise.resolve();
      const later = await new Promise<string | undefined>((resolve) =>
        setTimeout(() => resolve(who.get()), 1),
      );
      return [who.get(), later];
    });
    expect(seen).toEqual(['alice', 'alice']);
    expect(who.get()).toBeUndefined();
  });

  it('keeps each slot apart, and an inner run of a slot shadows the outer one only inside it', async () => {
    const user = new ScopedValue<string>();
    const refs = new ScopedValue<number[]>();
    const collected: number[] = [];
    const result = await user.run('outer', () =>
      refs.run(collected, async () => {
        refs.get()?.push(1);
        const inner = await user.run('inner', async () => [user.get(), refs.get() === collected]);
        return [...inner, user.get()];
      }),
    );
    expect(result).toEqual(['inner', true, 'outer']);
    expect(collected).toEqual([1]);
  });

  it('gives concurrent runs their own values', async () => {
    const id = new ScopedValue<number>();
    const ids = await Promise.all(
      [1, 2, 3].map((n) =>
        id.run(n, async () => {
          await new Promise((resolve) => setTimeout(resolve, 4 - n));
          return id.get();
        }),
      ),
    );
    expect(ids).toEqual([1, 2, 3]);
  });
});
