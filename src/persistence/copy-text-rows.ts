import { isAscii } from 'node:buffer';
import { copyReader } from './cursor-pages';
import type { SqlDatabase } from './sql-database';
import type { TextRow } from './text-row';

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/**
 * Reads PostgreSQL's `COPY … TO STDOUT` text format (UTF-8; columns split by tabs, rows by newlines, NULL as
 * `\N`, backslash escapes for backslash and control characters) from a stream of chunks, and hands each row to
 * `onRow` as a TextRow over the chunk's own bytes: a column with no escape and no byte above 0x7f is plain, and
 * is never turned into a string unless asked. Rows split across chunks are put back together. Resolves with the
 * number of rows; a row with another number of columns than `columns` is an error.
 */
export async function forEachCopyRow(
  chunks: AsyncIterable<Buffer>,
  columns: number,
  onRow: (row: TextRow) => void,
): Promise<number> {
  const row = new CopyTextRow(columns);
  let rows = 0;
  let rest: Buffer | null = null;
  for await (const chunk of chunks) {
    let from = 0;
    if (rest !== null) {
      // A row cut between two chunks is joined from its two parts alone, not by copying the whole next chunk:
      // nearly every chunk of a long COPY ends inside a row.
      const end = chunk.indexOf(NEWLINE);
      if (end < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      rows += completeRows(Buffer.concat([rest, chunk.subarray(0, end + 1)]), 0, row, onRow);
      rest = null;
      from = end + 1;
    }
    const rowsEnd = lastRowEnd(chunk, from);
    rows += completeRows(chunk.subarray(0, rowsEnd), from, row, onRow);
    rest = rowsEnd < chunk.length ? chunk.subarray(rowsEnd) : null;
  }
  if (rest !== null) throw new Error('COPY output ended inside a row');
  return rows;
}

/** Where the last whole row of bytes[from…] ends (after its newline); `from` when there is none. */
function lastRowEnd(bytes: Buffer, from: number): number {
  const last = bytes.lastIndexOf(NEWLINE);
  return last < from ? from : last + 1;
}

/** Hands each row of bytes[from…], which holds whole rows only, to `onRow`; returns how many. */
function completeRows(bytes: Buffer, from: number, row: CopyTextRow, onRow: (row: TextRow) => void): number {
  // Most chunks hold ASCII without a backslash (ids, numbers): their columns are found by the native search for
  // tabs alone, without looking at each byte in JavaScript.
  const body = from === 0 ? bytes : bytes.subarray(from);
  const plain = body.indexOf(BACKSLASH) < 0 && isAscii(body);
  let rows = 0;
  let rowStart = from;
  for (let at = bytes.indexOf(NEWLINE, rowStart); at >= 0; at = bytes.indexOf(NEWLINE, rowStart)) {
    if (plain) row.splitPlain(bytes, rowStart, at);
    else row.split(bytes, rowStart, at);
    onRow(row);
    rows += 1;
    rowStart = at + 1;
  }
  return rows;
}

/**
 * Every row of `select` (`$n`: text parameters) handed to `onRow` through COPY on a PostgreSQL server; resolves
 * false, having read nothing, where `db` has no COPY (the embedded PGlite), so the caller reads another way.
 */
export async function eachCopyRow(
  db: SqlDatabase,
  select: string,
  params: readonly string[],
  columns: number,
  onRow: (row: TextRow) => void,
): Promise<boolean> {
  const copyOut = copyReader(db);
  if (copyOut === null) return false;
  await forEachCopyRow(copyOut(select, params), columns, onRow);
  return true;
}

class CopyTextRow implements TextRow {
  bytes: Buffer = Buffer.alloc(0);
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per column: 1 when it holds a backslash or a non-ASCII byte (decoded by `text`). */
  private readonly escaped: Uint8Array;

  constructor(private readonly columns: number) {
    this.starts = new Int32Array(columns);
    this.ends = new Int32Array(columns);
    this.escaped = new Uint8Array(columns);
  }

  /** Finds the columns of the row at bytes[from…to) (`to` is its newline). */
  split(bytes: Buffer, from: number, to: number): void {
    this.bytes = bytes;
    let column = 0;
    let start = from;
    let escaped = 0;
    for (let at = from; at <= to; at++) {
      const byte = bytes[at] as number;
      if (byte === TAB || byte === NEWLINE) {
        if (column >= this.columns) throw columnsError(column + 1, this.columns);
        this.starts[column] = start;
        this.ends[column] = at;
        this.escaped[column] = escaped;
        column += 1;
        start = at + 1;
        escaped = 0;
      } else if (byte >= 0x80 || byte === BACKSLASH) {
        escaped = 1;
      }
    }
    if (column !== this.columns) throw columnsError(column, this.columns);
  }

  /** As `split`, for a row known to hold neither a backslash nor a non-ASCII byte. */
  splitPlain(bytes: Buffer, from: number, to: number): void {
    this.bytes = bytes;
    const last = this.columns - 1;
    let start = from;
    for (let column = 0; column < last; column++) {
      const end = bytes.indexOf(TAB, start);
      if (end < 0 || end > to) throw columnsError(column + 1, this.columns);
      this.starts[column] = start;
      this.ends[column] = end;
      this.escaped[column] = 0;
      start = end + 1;
    }
    const extra = bytes.indexOf(TAB, start);
    if (extra >= 0 && extra < to) throw columnsError(this.columns + 1, this.columns);
    this.starts[last] = start;
    this.ends[last] = to;
    this.escaped[last] = 0;
  }

  plain(column: number): boolean {
    return this.escaped[column] === 0;
  }

  start(column: number): number {
    return this.starts[column] as number;
  }

  end(column: number): number {
    return this.ends[column] as number;
  }

  isNull(column: number): boolean {
    const start = this.starts[column] as number;
    return (
      this.ends[column] === start + 2 && this.bytes[start] === BACKSLASH && this.bytes[start + 1] === 0x4e
    );
  }

  text(column: number): string | null {
    const start = this.starts[column] as number;
    const end = this.ends[column] as number;
    if (this.escaped[column] === 0) return this.bytes.toString('latin1', start, end);
    if (this.isNull(column)) return null;
    return unescapeCopyText(this.bytes, start, end);
  }
}

function columnsError(found: number, asked: number): Error {
  return new Error(`A COPY row has ${found > asked ? 'more' : found} columns where ${asked} were asked for`);
}

const ESCAPES: Readonly<Record<string, number>> = { b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/**
 * A column of COPY's text format decoded: `\\`, `\b \f \n \r \t \v`, octal `\ooo` and hexadecimal `\xhh` byte
 * values (what PostgreSQL's COPY FROM reads; COPY TO writes only the first two kinds), then UTF-8.
 */
export function unescapeCopyText(bytes: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] as number;
    if (byte !== BACKSLASH || at + 1 >= end) {
      out[length++] = byte;
      continue;
    }
    const next = String.fromCharCode(bytes[at + 1] as number);
    const escape = ESCAPES[next];
    const digits = escape === undefined ? bytes.toString('latin1', at + 1, Math.min(end, at + 4)) : '';
    const octal = /^[0-7]{1,3}/.exec(digits);
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(digits);
    if (escape !== undefined) {
      out[length++] = escape;
      at += 1;
    } else if (octal !== null) {
      out[length++] = parseInt(octal[0], 8) & 0xff;
      at += octal[0].length;
    } else if (hex !== null) {
      out[length++] = parseInt(hex[1] as string, 16);
      at += hex[0].length;
    } else {
      // `\\`, and any other escaped character, stands for itself.
      out[length++] = bytes[at + 1] as number;
      at += 1;
    }
  }
  return out.toString('utf8', 0, length);
}
