import { copyWith } from '../../../src/core/copy-with';

/** copyWith stands in for `{ ...base, ...changes }` on hot paths: it must give exactly what the spread gives. */
describe('copyWith', () => {
  it('copies every member of the base, the changes winning, and leaves the base alone', () => {
    const base = { situation: 'CONFIRMED', target: null as object | null, ids: ['a'], nested: { n: 1 } };
    const copy = copyWith(base, { target: { _id: 't' }, claimed: ['x'] });
    expect(copy).toEqual({ ...base, target: { _id: 't' }, claimed: ['x'] });
    expect(Object.keys(copy)).toEqual(Object.keys({ ...base, target: null, claimed: null }));
    expect(base.target).toBeNull();
    expect(copy.nested).toBe(base.nested);
  });

  it('keeps undefined members and leaves out inherited ones, as a spread does', () => {
    const base = Object.assign(Object.create({ inherited: true }) as object, { own: undefined });
    expect(copyWith(base, {})).toEqual({ ...base });
    expect('inherited' in copyWith(base, {})).toBe(false);
    expect(Object.keys(copyWith(base, {}))).toEqual(['own']);
  });
});
