import type { TextRow } from '../persistence/text-row';
import { PackedTable } from './packed-table';

const KEY = 0;
/** The id as stored when it differs from its normalised key (case-insensitive sides), else ''. */
const STORED = 1;
/** The target's version when the target query read versions (unchanged-stamp.ts), else ''. */
const VERSION = 2;

/**
 * What a recon knows of its target set: which targets there were when it began (by normalised key), their
 * versions when read with versions (unchanged-stamp.ts), and which of them the source phase claimed, so that
 * the target phase visits the rest. Rows are the set's own numbers, for lookups made once and used twice.
 */
export interface ReconTargetSet {
  readonly size: number;
  has(key: string): boolean;
  /** The target's version as read; null when absent or read without versions. */
  versionOf(key: string): string | null;
  /**
   * The row of the target a prefetched link points at, given the link's row (LinkAccess.prefetchedRowOf) and
   * the target's key; -1 when absent.
   */
  rowOfLinked(linkRow: number, key: string): number;
  /** The version at a row of `rowOfLinked`; null when read without versions. */
  versionAt(row: number): string | null;
  /** `versionAt` as code units, written into `into` (no string made): 0 when none, -1 when longer than `into`. */
  versionCodesAt(row: number, into: Uint16Array): number;
  /** The source phase linked, correlated or found ambiguous this target: the target phase skips it. */
  claim(key: string): void;
  /** `claim` of the target at a row of `rowOfLinked`. */
  claimRow(row: number): void;
  /** The ids as stored of the targets no source claimed. */
  unclaimed(): Iterable<string>;
}

/**
 * A recon's target ids (normalised key → id as stored) and which of them the source phase claimed, packed
 * outside the JavaScript heap (packed-table.ts) with one bit a target for the claims: the run holds every
 * target id until its target phase, and memory should not grow with the directory much beyond the ids.
 */
export class ReconTargets implements ReconTargetSet {
  private readonly table = new PackedTable(3, [KEY]);
  private claims: Uint8Array | null = null;

  get size(): number {
    return this.table.keyCount(KEY);
  }

  /** Adds a target while the target query runs (before any claim); a repeated key keeps the later id. */
  add(key: string, stored: string, version = ''): void {
    this.table.insert([key, stored === key ? '' : stored, version]);
  }

  /**
   * Adds a target from a TextRow of its id and version (ObjectVersions.eachRow; an empty version from
   * ObjectSet.eachIdRow; other columns of other rows) whose id is its key (ids compared as stored), copying the
   * plain columns' bytes rather than making strings of them.
   */
  addRow(row: TextRow, idColumn = 0, versionColumn = 1): void {
    const bytes =
      12 + 2 * (row.end(idColumn) - row.start(idColumn) + row.end(versionColumn) - row.start(versionColumn));
    this.table.beginRow(bytes);
    this.table.cellFrom(row, idColumn);
    this.table.cell('');
    this.table.cellFrom(row, versionColumn);
    this.table.endRow();
  }

  has(key: string): boolean {
    return this.table.find(KEY, key) >= 0;
  }

  /** The target's version as the target query read it; null when absent or read without versions. */
  versionOf(key: string): string | null {
    const row = this.rowOf(key);
    return row < 0 ? null : this.versionAt(row);
  }

  /**
   * The target's row (what `versionAt` and `claimRow` take): one lookup where the unchanged shortcut reads the
   * version and claims the target; -1 when absent.
   */
  rowOf(key: string): number {
    return this.table.find(KEY, key);
  }

  /** `rowOf(key)`: these rows are the target set's own, whatever row the link has. */
  rowOfLinked(_linkRow: number, key: string): number {
    return this.rowOf(key);
  }

  /** The version at a row of `rowOf`; null when read without versions. */
  versionAt(row: number): string | null {
    const version = this.table.value(row, VERSION);
    return version === '' ? null : version;
  }

  versionCodesAt(row: number, into: Uint16Array): number {
    return this.table.codesAt(row, VERSION, into);
  }

  claim(key: string): void {
    const row = this.table.find(KEY, key);
    if (row >= 0) this.claimRow(row);
  }

  claimRow(row: number): void {
    if (this.claims === null || this.claims.length * 8 <= row) {
      const claims = new Uint8Array(Math.ceil(this.table.rowCount / 8));
      if (this.claims !== null) claims.set(this.claims);
      this.claims = claims;
    }
    this.claims[row >>> 3] = (this.claims[row >>> 3] as number) | (1 << (row & 7));
  }

  /** The ids as stored of the targets no source claimed, in the order the target query gave them. */
  *unclaimed(): Generator<string> {
    for (let row = 0; row < this.table.rowCount; row++) {
      if (this.claims !== null && ((this.claims[row >>> 3] as number) & (1 << (row & 7))) !== 0) continue;
      const key = this.table.value(row, KEY);
      // A key given twice: its earlier row is superseded.
      if (this.table.find(KEY, key) !== row) continue;
      const stored = this.table.value(row, STORED);
      yield stored === '' ? key : stored;
    }
  }
}
