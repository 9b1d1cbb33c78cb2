import type { TextRow } from '../persistence/text-row';

/**
 * Rows of string columns packed into Buffers outside the V8 heap, each row found by the value of any indexed
 * column (open addressing over an Int32Array). Recon holds one entry per link and per target id for a whole
 * run; as JavaScript objects, strings and Map entries these cost ~300 bytes each on the heap, and V8 lets a
 * heap grow to several times what it holds live, so peak memory grew with the size of the run. Packed, a link
 * is ~150 bytes of plain memory and the heap stays the size of the work in flight.
 *
 * The rows fill segments of at most SEGMENT bytes, never copied: a single Buffer grown by doubling held up to
 * twice the rows' bytes, and three times while it was copied into the next, which at 300k links was most of
 * what a recon's peak memory grew by over 100k.
 *
 * Strings are stored exactly: Latin-1 (one byte a character) when every character fits, UTF-16 otherwise.
 * Within one index a key names one row: inserting a row whose key is present re-points the key to the new row.
 */
export class PackedTable {
  private readonly segments: Buffer[] = [Buffer.allocUnsafe(FIRST_SEGMENT)];
  /** The segment rows are written to (the last one) and how much of it is used. */
  private arena: Buffer = this.segments[0] as Buffer;
  private used = 0;
  /** Per row: its segment and where in it the row starts. */
  private segmentOf: Uint16Array = new Uint16Array(1024);
  private starts: Uint32Array = new Uint32Array(1024);
  private rows = 0;
  private readonly indexes: Index[];
  private readonly indexByColumn: (Index | undefined)[] = [];
  /** While a row is written: its cells so far, and the hashes of its indexed cells. */
  private cellsWritten = 0;
  private readonly pendingHashes: number[] = [];

  constructor(
    private readonly columns: number,
    indexedColumns: readonly number[],
  ) {
    this.indexes = indexedColumns.map((column) => new Index(column));
    for (const index of this.indexes) this.indexByColumn[index.column] = index;
  }

  /** Rows ever inserted (removed keys do not reduce it); row numbers are 0…rowCount-1. */
  get rowCount(): number {
    return this.rows;
  }

  /** Keys present in the index on `column`. */
  keyCount(column: number): number {
    return this.index(column).live;
  }

  insert(values: readonly string[]): number {
    if (values.length !== this.columns) throw new Error(`A row has ${this.columns} columns`);
    let bytes = 0;
    for (const value of values) bytes += 4 + value.length * 2;
    this.beginRow(bytes);
    for (const value of values) this.cell(value);
    return this.endRow();
  }

  /**
   * Starts a row cell by cell (`cell`, `asciiCell`, then `endRow`), for rows read from a stream without a string
   * per column. `maxBytes`: at most what its cells take (4 a cell, 2 a character).
   */
  beginRow(maxBytes: number): void {
    this.ensureRows(this.rows + 1);
    this.ensureBytes(maxBytes);
    this.segmentOf[this.rows] = this.segments.length - 1;
    this.starts[this.rows] = this.used;
    this.cellsWritten = 0;
  }

  /** The next cell of the row begun: `head` followed by `text`. */
  cell(text: string, head = ''): void {
    this.noteHash(head, text);
    this.write(head, text);
  }

  /**
   * The next cell of the row begun: `head` followed by bytes[start…end), which are ASCII (a plain column of a
   * TextRow), copied as they are. Stored as `cell(head + text)` would store it, so lookups by string find it.
   */
  asciiCell(head: string, bytes: Buffer, start: number, end: number): void {
    if (!isLatin1(head)) {
      this.cell(bytes.toString('latin1', start, end), head);
      return;
    }
    const arena = this.arena;
    const at = this.used + 4;
    for (let i = 0; i < head.length; i++) arena[at + i] = head.charCodeAt(i);
    const column = this.cellsWritten;
    // Ids are a few dozen bytes: a loop copies them quicker than a call into Buffer.copy, and hashes them on the way.
    if (this.indexByColumn[column] !== undefined) {
      let h = hash(head);
      for (let i = start, to = at + head.length; i < end; i++, to++) {
        const byte = bytes[i] as number;
        arena[to] = byte;
        h = Math.imul(h ^ byte, 0x01000193);
      }
      this.pendingHashes[column] = h >>> 0;
    } else {
      for (let i = start, to = at + head.length; i < end; i++, to++) arena[to] = bytes[i] as number;
    }
    const length = head.length + end - start;
    arena.writeUInt32LE((length << 1) >>> 0, this.used);
    this.used = at + length;
    this.cellsWritten += 1;
  }

  /** The next cell of the row begun: `head`, then `column` of a streamed row (its bytes when plain). */
  cellFrom(row: TextRow, column: number, head = ''): void {
    if (row.plain(column)) this.asciiCell(head, row.bytes, row.start(column), row.end(column));
    else this.cell(row.text(column) ?? '', head);
  }

  /** Ends the row begun: indexes its keys and returns its number. */
  endRow(): number {
    if (this.cellsWritten !== this.columns) throw new Error(`A row has ${this.columns} columns`);
    const row = this.rows;
    this.rows += 1;
    for (const index of this.indexes) this.place(index, row, this.pendingHashes[index.column] as number);
    return row;
  }

  /** The row whose `column` is `key` + `suffix` (given in two parts, the caller concatenates nothing), or -1. */
  find(column: number, key: string, suffix = ''): number {
    const index = this.index(column);
    const slot = this.slotOf(index, key, suffix);
    return slot < 0 ? -1 : (index.slots[slot] as number) - 1;
  }

  /** Forgets `key` + `suffix` in the index on `column` (the row stays readable by its number and other keys). */
  remove(column: number, key: string, suffix = ''): void {
    const index = this.index(column);
    const slot = this.slotOf(index, key, suffix);
    if (slot < 0) return;
    index.slots[slot] = TOMBSTONE;
    index.live -= 1;
    index.dead += 1;
  }

  value(row: number, column: number): string {
    const arena = this.segmentOfRow(row);
    return decode(arena, cellAt(arena, this.starts[row] as number, column));
  }

  /**
   * Copies the UTF-16 code units of `row`'s `column` into `into` (no string made, for a value read per entry of
   * a recon only to be compared); returns how many, or -1 when they do not fit.
   */
  codesAt(row: number, column: number, into: Uint16Array): number {
    const arena = this.segmentOfRow(row);
    const at = cellAt(arena, this.starts[row] as number, column);
    const header = arena.readUInt32LE(at);
    const length = header >>> 1;
    if (length > into.length) return -1;
    const start = at + 4;
    if (header & 1) for (let i = 0; i < length; i++) into[i] = arena.readUInt16LE(start + i * 2);
    else for (let i = 0; i < length; i++) into[i] = arena[start + i] as number;
    return length;
  }

  /** Whether `row`'s `column` holds the empty string (no string made to tell). */
  isEmpty(row: number, column: number): boolean {
    const arena = this.segmentOfRow(row);
    return arena.readUInt32LE(cellAt(arena, this.starts[row] as number, column)) >>> 1 === 0;
  }

  /** Every column of `row`, read in one pass. */
  values(row: number): string[] {
    const arena = this.segmentOfRow(row);
    const values: string[] = [];
    let at = this.starts[row] as number;
    for (let c = 0; c < this.columns; c++) {
      values.push(decode(arena, at));
      at = skip(arena, at);
    }
    return values;
  }

  private segmentOfRow(row: number): Buffer {
    return this.segments[this.segmentOf[row] as number] as Buffer;
  }

  private index(column: number): Index {
    const index = this.indexByColumn[column];
    if (index === undefined) throw new Error(`Column ${column} is not indexed`);
    return index;
  }

  /**
   * Header: length in characters << 1, | 1 when UTF-16. Latin-1 text is copied here character by character,
   * which for ids (a few dozen characters) is quicker than a call into Buffer.write.
   */
  private write(head: string, text: string): void {
    const length = head.length + text.length;
    const arena = this.arena;
    const start = this.used + 4;
    const wide = !isLatin1(head) || !isLatin1(text);
    if (wide) {
      arena.write(head + text, start, length * 2, 'utf16le');
    } else {
      for (let i = 0; i < head.length; i++) arena[start + i] = head.charCodeAt(i);
      const after = start + head.length;
      for (let i = 0; i < text.length; i++) arena[after + i] = text.charCodeAt(i);
    }
    arena.writeUInt32LE(((length << 1) | (wide ? 1 : 0)) >>> 0, this.used);
    this.used = start + (wide ? length * 2 : length);
    this.cellsWritten += 1;
  }

  /** Keeps the hash of the cell about to be written when its column is indexed. */
  private noteHash(head: string, text: string): void {
    const column = this.cellsWritten;
    if (this.indexByColumn[column] !== undefined) this.pendingHashes[column] = hash(head, text);
  }

  /** Whether two rows hold the same string in `column` (same text, stored the same way). */
  private cellsEqual(a: number, b: number, column: number): boolean {
    const arenaA = this.segmentOfRow(a);
    const arenaB = this.segmentOfRow(b);
    const atA = cellAt(arenaA, this.starts[a] as number, column);
    const atB = cellAt(arenaB, this.starts[b] as number, column);
    const header = arenaA.readUInt32LE(atA);
    if (header !== arenaB.readUInt32LE(atB)) return false;
    const length = (header & 1 ? 2 : 1) * (header >>> 1);
    return arenaA.compare(arenaB, atB + 4, atB + 4 + length, atA + 4, atA + 4 + length) === 0;
  }

  /** Whether the string stored in `row`'s `column` is `key` + `suffix`. */
  private cellEquals(row: number, column: number, key: string, suffix = ''): boolean {
    const arena = this.segmentOfRow(row);
    const at = cellAt(arena, this.starts[row] as number, column);
    const header = arena.readUInt32LE(at);
    if (header >>> 1 !== key.length + suffix.length) return false;
    const wide = (header & 1) === 1;
    const start = at + 4;
    return (
      holds(arena, start, key, wide) &&
      holds(arena, start + (wide ? key.length * 2 : key.length), suffix, wide)
    );
  }

  /** The slot holding `key` + `suffix`, or -1. */
  private slotOf(index: Index, key: string, suffix = ''): number {
    const mask = index.slots.length - 1;
    const keyHash = hash(key, suffix);
    // A row's stored hash rules out almost every other key on the probe before its text is walked to and compared.
    for (let slot = keyHash & mask; ; slot = (slot + 1) & mask) {
      const entry = index.slots[slot] as number;
      if (entry === EMPTY) return -1;
      if (
        entry !== TOMBSTONE &&
        index.hashes[entry - 1] === keyHash &&
        this.cellEquals(entry - 1, index.column, key, suffix)
      ) {
        return slot;
      }
    }
  }

  /** Points the key of `row` (its hash given) at `row`: the slot of the same key if there is one, else the first free one on its probe. */
  private place(index: Index, row: number, keyHash: number): void {
    if ((index.live + index.dead + 1) * 2 > index.slots.length) this.rehash(index);
    index.hashes = grown(index.hashes, row + 1);
    index.hashes[row] = keyHash;
    const mask = index.slots.length - 1;
    let free = -1;
    for (let slot = keyHash & mask; ; slot = (slot + 1) & mask) {
      const entry = index.slots[slot] as number;
      if (entry === TOMBSTONE) {
        if (free < 0) free = slot;
        continue;
      }
      if (entry === EMPTY) {
        if (free < 0) free = slot;
        else index.dead -= 1;
        index.slots[free] = row + 1;
        index.live += 1;
        return;
      }
      if (index.hashes[entry - 1] === keyHash && this.cellsEqual(entry - 1, row, index.column)) {
        index.slots[slot] = row + 1;
        return;
      }
    }
  }

  /** Doubles the table when it would be more than half full (tombstones dropped on the way). */
  private rehash(index: Index): void {
    const old = index.slots;
    const size = Math.max(1024, old.length * (index.live * 4 > old.length ? 2 : 1));
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (const entry of old) {
      if (entry <= 0) continue;
      let slot = (index.hashes[entry - 1] as number) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    index.slots = slots;
    index.dead = 0;
  }

  /** Room for `bytes` more in the current segment, or a new segment (the full ones stay where they are). */
  private ensureBytes(bytes: number): void {
    if (this.used + bytes <= this.arena.length) return;
    const size = Math.max(bytes, Math.min(SEGMENT, this.arena.length * 2));
    this.arena = Buffer.allocUnsafe(size);
    this.segments.push(this.arena);
    this.used = 0;
  }

  private ensureRows(needed: number): void {
    this.starts = grown(this.starts, needed);
    if (needed > this.segmentOf.length) {
      const bigger = new Uint16Array(this.starts.length);
      bigger.set(this.segmentOf);
      this.segmentOf = bigger;
    }
  }
}

/** A table's first segment; each next one is twice the last, up to SEGMENT. */
const FIRST_SEGMENT = 1 << 16;
const SEGMENT = 1 << 22;

function decode(arena: Buffer, at: number): string {
  const header = arena.readUInt32LE(at);
  const length = header >>> 1;
  const start = at + 4;
  if (header & 1) return arena.toString('utf16le', start, start + length * 2);
  return arena.toString('latin1', start, start + length);
}

function skip(arena: Buffer, at: number): number {
  const header = arena.readUInt32LE(at);
  return at + 4 + (header & 1 ? (header >>> 1) * 2 : header >>> 1);
}

/** Where `column` of the row starting at `start` begins. */
function cellAt(arena: Buffer, start: number, column: number): number {
  let at = start;
  for (let c = 0; c < column; c++) at = skip(arena, at);
  return at;
}

function holds(arena: Buffer, start: number, text: string, wide: boolean): boolean {
  if (wide) {
    for (let i = 0; i < text.length; i++)
      if (arena.readUInt16LE(start + i * 2) !== text.charCodeAt(i)) return false;
    return true;
  }
  for (let i = 0; i < text.length; i++) if (arena[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** `array`, or a copy twice as long when it is shorter than `needed`. */
function grown(array: Uint32Array, needed: number): Uint32Array {
  if (needed <= array.length) return array;
  const bigger = new Uint32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

const EMPTY = 0;
const TOMBSTONE = -1;

class Index {
  slots = new Int32Array(1024);
  /** Each row's key hash, so that growing the table reads no key back. */
  hashes: Uint32Array = new Uint32Array(1024);
  live = 0;
  dead = 0;
  constructor(readonly column: number) {}
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** FNV-1a over the UTF-16 code units of `key` then `suffix` (the hash of their concatenation). */
function hash(key: string, suffix = ''): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  for (let i = 0; i < suffix.length; i++) h = Math.imul(h ^ suffix.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
