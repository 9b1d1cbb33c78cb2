import { forEachCopyRow, unescapeCopyText } from '../../../src/persistence/copy-text-rows';
import type { TextRow } from '../../../src/persistence/text-row';

/** COPY's text format as PostgreSQL writes it: a row of values → one line. */
function copyLine(values: readonly (string | null)[]): string {
  const escape = (value: string): string =>
    value.replace(
      /[\\\b\f\n\r\t\v]/g,
      (c) =>
        ({ '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' })[
          c
        ] as string,
    );
  return values.map((value) => (value === null ? '\\N' : escape(value))).join('\t') + '\n';
}

async function* chunksOf(bytes: Buffer, sizes: readonly number[]): AsyncIterable<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Every row read, each column as `text` gives it and as its plain bytes give it. */
async function readAll(chunks: AsyncIterable<Buffer>, columns: number): Promise<(string | null)[][]> {
  const rows: (string | null)[][] = [];
  await forEachCopyRow(chunks, columns, (row: TextRow) => {
    const values: (string | null)[] = [];
    for (let c = 0; c < columns; c++) {
      const text = row.text(c);
      if (row.plain(c)) expect(row.bytes.toString('latin1', row.start(c), row.end(c))).toBe(text);
      expect(row.isNull(c)).toBe(text === null);
      values.push(text);
    }
    rows.push(values);
  });
  return rows;
}

const ROWS: (string | null)[][] = [
  ['2c472af8-82d2-1041-8b12-119778dc61e7', '9425a24b', 'default', null],
  ['uid=smith\\, john,ou=people', 'tab\there', 'new\nline', 'back\\slash'],
  ['Émile Zoë', '数据', '😀', ''],
  ['', '', '', ''],
  ['\\N', 'N', '\u0001\b\f\r\v', '1'],
];

describe('reading COPY text rows', () => {
  it('gives back every value exactly, NULL apart from the text \\N, whatever the chunks', async () => {
    const bytes = Buffer.from(ROWS.map(copyLine).join(''), 'utf8');
    for (const sizes of [[bytes.length], [1], [2, 3], [7], [64]]) {
      expect(await readAll(chunksOf(bytes, sizes), 4)).toEqual(ROWS);
    }
  });

  it('marks as plain only ASCII columns without escapes, in chunks with and without other rows', async () => {
    const plainRows = [['a', 'bb', 'ccc', 'dddd']];
    const lines = Buffer.from(copyLine(plainRows[0] as string[]) + copyLine(ROWS[2] as string[]), 'utf8');
    const plain: boolean[][] = [];
    await forEachCopyRow(chunksOf(lines, [lines.length]), 4, (row) => {
      plain.push([0, 1, 2, 3].map((c) => row.plain(c)));
    });
    expect(plain).toEqual([
      [true, true, true, true],
      [false, false, false, true],
    ]);
    const alone: boolean[][] = [];
    const first = Buffer.from(copyLine(plainRows[0] as string[]));
    await forEachCopyRow(chunksOf(first, [first.length]), 4, (row) =>
      alone.push([0, 1, 2, 3].map((c) => row.plain(c))),
    );
    expect(alone).toEqual([[true, true, true, true]]);
  });

  it('refuses rows with another number of columns and output that ends inside a row', async () => {
    const three = Buffer.from('a\tb\tc\n');
    await expect(readAll(chunksOf(three, [100]), 2)).rejects.toThrow(/more columns where 2/);
    await expect(readAll(chunksOf(three, [100]), 4)).rejects.toThrow(/3 columns where 4/);
    await expect(readAll(chunksOf(Buffer.from('a\\\\\tb\tc\n'), [100]), 4)).rejects.toThrow(/3 columns/);
    // The same in rows read byte by byte (a backslash or a non-ASCII byte in the chunk).
    const escaped = Buffer.from('é\tb\tc\n');
    await expect(readAll(chunksOf(escaped, [100]), 2)).rejects.toThrow(/more columns where 2/);
    await expect(readAll(chunksOf(escaped, [100]), 4)).rejects.toThrow(/3 columns where 4/);
    await expect(readAll(chunksOf(Buffer.from('a\tb'), [100]), 2)).rejects.toThrow(/ended inside a row/);
  });

  it('decodes the octal and hexadecimal escapes COPY FROM reads as well', () => {
    const text = Buffer.from('\\101\\x42\\7\\x7aQ\\q');
    expect(unescapeCopyText(text, 0, text.length)).toBe('AB\u0007zQq');
  });
});
