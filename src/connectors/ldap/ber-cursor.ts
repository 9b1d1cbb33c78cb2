/**
 * Reading BER (X.690) definite-length elements in place, as LDAP messages arrive: where an element's content
 * starts and ends, without copying it (search-entry-reader.ts).
 */

/** The length octets are not all in the bytes yet. */
export const INCOMPLETE = -1;
/** A length form ldapts refuses: indefinite, or more than four octets. */
export const MALFORMED = -2;

/**
 * Where the content of the element whose length octets start at `at` begins; INCOMPLETE when the length is not
 * all here yet, MALFORMED for the forms ldapts refuses (indefinite, more than four octets).
 */
export function lengthEnd(bytes: Buffer, at: number): number {
  if (at >= bytes.length) return INCOMPLETE;
  const first = bytes[at]!;
  if (first < 0x80) return at + 1;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4) return MALFORMED;
  return at + 1 + octets <= bytes.length ? at + 1 + octets : INCOMPLETE;
}

/** The length whose octets start at `at` (lengthEnd said they are all here and well formed). */
export function lengthOf(bytes: Buffer, at: number): number {
  const first = bytes[at]!;
  if (first < 0x80) return first;
  let length = 0;
  for (let i = 1; i <= (first & 0x7f); i++) length = length * 256 + bytes[at + i]!;
  return length;
}

/** Walks BER elements within [at, end): `enter` steps into the next one if it has the tag. */
export class Cursor {
  contentStart = 0;
  contentEnd = 0;
  constructor(
    public bytes: Buffer,
    public at: number,
    public end: number,
  ) {}

  /** Starts over on other bytes: a reader walks a hundred thousand entries with one cursor, not one each. */
  reset(bytes: Buffer, at: number, end: number): this {
    this.bytes = bytes;
    this.at = at;
    this.end = end;
    return this;
  }

  enter(tag: number): boolean {
    if (this.at >= this.end || this.bytes[this.at] !== tag) return false;
    const start = lengthEnd(this.bytes, this.at + 1);
    if (start < 0) return false;
    const contentEnd = start + lengthOf(this.bytes, this.at + 1);
    if (contentEnd > this.end) return false;
    this.contentStart = start;
    this.contentEnd = contentEnd;
    this.at = start;
    return true;
  }

  /** Steps over the element just entered. */
  leave(): void {
    this.at = this.contentEnd;
  }
}
