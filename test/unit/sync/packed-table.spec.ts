import { factorBatch } from '../../../src/persistence/factored-batch';
import { PackedTable } from '../../../src/sync/packed-table';
import { ReconTargets } from '../../../src/sync/recon-targets';

/** The packed, off-heap stores a recon keeps for a whole run must behave like the Maps they replace. */
describe('PackedTable', () => {
  it('finds rows by either indexed column, with exact strings (Latin-1, UTF-16, empty)', () => {
    const table = new PackedTable(3, [0, 1]);
    const rows = [
      ['a', 'x', 'first'],
      ['Émile', '数据', ''],
      ['', 'z', '😀 emoji'],
    ];
    for (const row of rows) table.insert(row);
    rows.forEach((row, i) => {
      expect(table.find(0, row[0] as string)).toBe(i);
      expect(table.find(1, row[1] as string)).toBe(i);
      expect([0, 1, 2].map((c) => table.value(i, c))).toEqual(row);
    });
    expect(table.find(0, 'A')).toBe(-1);
    expect(table.find(0, 'émile')).toBe(-1);
    expect(table.find(1, '数')).toBe(-1);
    // A cell's code units, copied without a string: Latin-1 and UTF-16 rows alike; -1 when they do not fit.
    const units = new Uint16Array(8);
    rows.forEach((row, i) =>
      row.forEach((cell, c) => {
        const length = table.codesAt(i, c, units);
        expect(length).toBe(cell.length);
        expect(String.fromCharCode(...units.subarray(0, length))).toBe(cell);
      }),
    );
    expect(table.codesAt(0, 2, new Uint16Array(4))).toBe(-1);
    // Whether a cell is empty, told without a string: Latin-1 and UTF-16 rows alike.
    expect(rows.map((_, i) => [0, 2].map((c) => table.isEmpty(i, c)))).toEqual([
      [false, false],
      [false, true],
      [true, false],
    ]);
  });

  it('keeps every row exact across many segments (12 MB of rows, Latin-1 and UTF-16)', () => {
    const table = new PackedTable(3, [0, 2]);
    const rowOf = (i: number): string[] => [
      `key-${i}-${'x'.repeat(i % 97)}`,
      i % 5 === 0 ? `数据-${i}-${'é'.repeat(i % 41)}` : `plain-${i}`,
      `second-${i}`,
    ];
    const count = 60_000;
    for (let i = 0; i < count; i++) expect(table.insert(rowOf(i))).toBe(i);
    for (let i = 0; i < count; i += 7) {
      const row = rowOf(i);
      expect(table.find(0, row[0] as string)).toBe(i);
      expect(table.find(2, 'second-', String(i))).toBe(i);
      expect(table.values(i)).toEqual(row);
      expect(table.value(i, 1)).toBe(row[1]);
    }
    expect(table.find(0, 'key-1')).toBe(-1);
  });

  it('agrees with a Map over many keys, replacements and removals (growth and rehash included)', () => {
    const table = new PackedTable(2, [0]);
    const model = new Map<string, string>();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const key = `id-${Math.floor(random() * 8_000)}`;
      const roll = random();
      if (roll < 0.7) {
        table.insert([key, `v${i}`]);
        model.set(key, `v${i}`);
      } else if (roll < 0.85) {
        table.remove(0, key);
        model.delete(key);
      } else {
        const row = table.find(0, key);
        expect(row < 0 ? undefined : table.value(row, 1)).toBe(model.get(key));
      }
    }
    expect(table.keyCount(0)).toBe(model.size);
    for (const [key, value] of model) expect(table.value(table.find(0, key), 1)).toBe(value);
  });
  it('stores a row given as bytes cell by cell as insert stores the same strings', () => {
    const table = new PackedTable(3, [0, 1]);
    const bytes = Buffer.from('xx2c472af8-82d2\tsecond');
    // Row 0 from bytes (a head before the first key), row 1 from strings, row 2 with a head that is not Latin-1.
    table.beginRow(64);
    table.asciiCell('7:default', bytes, 2, 15);
    table.asciiCell('', bytes, 16, 22);
    table.cell('kept');
    expect(table.endRow()).toBe(0);
    expect(table.insert(['7:other2c472af8-82d2', 'other', 'by string'])).toBe(1);
    table.beginRow(64);
    table.asciiCell('数:', bytes, 2, 6);
    table.asciiCell('', bytes, 0, 0);
    table.cell('wide head');
    expect(table.endRow()).toBe(2);

    expect(table.find(0, '7:default', '2c472af8-82d2')).toBe(0);
    expect(table.find(0, '7:default2c472af8-82d2')).toBe(0);
    expect(table.find(1, 'second')).toBe(0);
    expect(table.values(0)).toEqual(['7:default2c472af8-82d2', 'second', 'kept']);
    expect(table.find(0, '数:2c47')).toBe(2);
    expect(table.find(1, '')).toBe(2);
    expect(table.values(2)).toEqual(['数:2c47', '', 'wide head']);

    // A key written again, from bytes, re-points it to the newer row as insert would.
    table.beginRow(64);
    table.cell('7:other2c472af8-82d2');
    table.asciiCell('', bytes, 16, 22);
    table.cell('newer');
    expect(table.endRow()).toBe(3);
    expect(table.find(0, '7:other2c472af8-82d2')).toBe(3);
    expect(table.find(1, 'second')).toBe(3);
    expect(table.keyCount(0)).toBe(3);
    table.beginRow(8);
    table.cell('short');
    expect(() => table.endRow()).toThrow(/3 columns/);
  });
});

describe('ReconTargets', () => {
  it('holds normalised keys and stored ids, and lists the unclaimed ones in query order', () => {
    const targets = new ReconTargets();
    for (const id of ['B-1', 'a-2', 'C-3', 'd-4']) targets.add(id.toLowerCase(), id);
    expect(targets.size).toBe(4);
    expect(targets.has('b-1')).toBe(true);
    expect(targets.has('B-1')).toBe(false);
    targets.claim('c-3');
    targets.claim('unknown');
    expect([...targets.unclaimed()]).toEqual(['B-1', 'a-2', 'd-4']);
  });

  it('sees claims made while the unclaimed targets are being listed', () => {
    const targets = new ReconTargets();
    for (let i = 0; i < 20; i++) targets.add(`t${i}`, `t${i}`);
    const seen: string[] = [];
    for (const id of targets.unclaimed()) {
      seen.push(id);
      if (id === 't0') targets.claim('t1');
    }
    expect(seen).toHaveLength(19);
    expect(seen).not.toContain('t1');
  });
});

describe('factorBatch', () => {
  const rebuild = (batch: { common: string; rows: string }) =>
    (JSON.parse(batch.rows) as Record<string, unknown>[]).map((row) => ({
      ...(JSON.parse(batch.common) as Record<string, unknown>),
      ...row,
    }));

  it('sends shared members once and rebuilds every document as it was', () => {
    const docs = [
      { reconId: 'r', situation: 'CONFIRMED', ids: [], diff: null, n: 1, detail: { a: 1 } },
      { reconId: 'r', situation: 'CONFIRMED', ids: [], diff: null, n: 2, detail: { a: 1 } },
      { reconId: 'r', situation: 'ABSENT', ids: [], diff: null, n: 3, detail: { a: 1 }, extra: true },
    ];
    const batch = factorBatch(docs);
    expect(JSON.parse(batch.common)).toEqual({ reconId: 'r', ids: [], diff: null });
    expect(batch.shared).toEqual({ reconId: 'r', ids: [], diff: null });
    expect(rebuild(batch)).toEqual(docs);
  });

  it('leaves the members it is told to omit out of both parts', () => {
    const docs = [
      { _id: 'a', reconId: 'r', n: 1 },
      { _id: 'b', reconId: 'r', n: 2 },
    ];
    const batch = factorBatch(docs, new Set(['_id']));
    expect(JSON.parse(batch.common)).toEqual({ reconId: 'r' });
    expect(rebuild(batch)).toEqual(docs.map(({ _id, ...rest }) => rest));
    expect(
      rebuild(
        factorBatch(
          [
            { _id: 'a', n: 1 },
            { _id: 'b', n: 2 },
          ],
          new Set(['_id']),
        ),
      ),
    ).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('keeps members that are missing or undefined in some documents per document', () => {
    const docs = [{ a: 1, b: undefined, c: 'x' }, { a: 1, c: 'y' }, { c: 'z' }];
    const batch = factorBatch(docs);
    expect(batch.common).toBe('{}');
    expect(rebuild(batch)).toEqual(JSON.parse(JSON.stringify(docs)));
    expect(factorBatch([])).toEqual({ common: '{}', rows: '[]', shared: {} });
  });
});
