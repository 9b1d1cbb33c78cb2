import { eventIdMaker } from '../../../src/sync/recon-audit';

/** A run's audit event ids: `<prefix>-<n>`, n zero-padded so that text order is the run's order. */
describe('eventIdMaker', () => {
  const padded = (n: number, digits: number) => `run-${String(n).padStart(digits, '0')}`;

  it('counts from 1, padded to ten digits, across the thousands where the shared head changes', () => {
    const next = eventIdMaker('run', 10);
    for (let n = 1; n <= 3_500; n++) expect(next()).toBe(padded(n, 10));
  });

  it('keeps counting past the padding, and sorts as the run went', () => {
    const next = eventIdMaker('run', 10, 9_999_999_990);
    const ids = Array.from({ length: 2_020 }, () => next());
    ids.forEach((id, i) => expect(id).toBe(padded(9_999_999_991 + i, 10)));
    // Past ten digits an id grows a digit; up to there the text order is the counting order.
    const tenDigits = ids.filter((id) => id.length === 'run-'.length + 10);
    expect([...tenDigits].sort()).toEqual(tenDigits);
  });

  it('pads to fewer digits than the shared endings hold', () => {
    const next = eventIdMaker('r', 2);
    expect([next(), next()]).toEqual(['r-01', 'r-02']);
    const wide = eventIdMaker('r', 2, 98);
    expect([wide(), wide()]).toEqual(['r-99', 'r-100']);
  });
});
