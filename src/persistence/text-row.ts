/**
 * One row of text columns as a store streamed it, read column by column without a string made for each:
 * recon's prefetch packs hundreds of thousands of ids (packed-table.ts), and most of them are plain ASCII
 * that can be copied byte for byte. The row is only valid inside the callback that received it.
 */
export interface TextRow {
  /** The bytes the plain columns are in. */
  readonly bytes: Buffer;
  /** Whether `column` is ASCII text needing no decoding, found at bytes[start(column)…end(column)). */
  plain(column: number): boolean;
  start(column: number): number;
  end(column: number): number;
  /** Whether the column is SQL NULL. */
  isNull(column: number): boolean;
  /** The column decoded; null for SQL NULL. */
  text(column: number): string | null;
}
