import { oncePer } from '../../../src/core/once-per';

describe('oncePer', () => {
  it('works a value out once per key object and hands the same value back after', () => {
    const calls: object[] = [];
    const sizeOf = oncePer((set: ReadonlySet<string>) => {
      calls.push(set);
      return { size: set.size };
    });
    const a = new Set(['x']);
    const b = new Set(['x', 'y']);
    const first = sizeOf(a);
    expect(sizeOf(a)).toBe(first);
    expect(sizeOf(b)).toEqual({ size: 2 });
    expect(calls).toEqual([a, b]);
  });

  it('keeps an undefined value too, without working it out again', () => {
    let calls = 0;
    const nothing = oncePer((_key: object) => {
      calls++;
      return undefined;
    });
    const key = {};
    nothing(key);
    nothing(key);
    expect(calls).toBe(1);
  });
});
