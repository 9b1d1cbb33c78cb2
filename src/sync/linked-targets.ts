import type { ReconTargetSet, ReconTargets } from './recon-targets';

/** What LinkedTargets reads of the prefetched links (LinkAccess.prefetchWithTargets). */
export interface LinkedTargetRows {
  /** Rows 0…prefetchedRows-1 came with the prefetch; links the run writes come after. */
  readonly prefetchedRows: number;
  /** The row of the link of the prefetch's qualifier that points at `key` now, or -1. */
  rowOfTarget(key: string): number;
  /** Whether the prefetched row's link pointed at a target there was (its version was read with it). */
  hasTargetAt(row: number): boolean;
  /** That target's version; null when there was none, or for a row the run wrote. */
  targetVersionAt(row: number): string | null;
  /** `targetVersionAt` as code units (PackedTable.codesAt): 0 when none, -1 when longer than `into`. */
  targetVersionCodesAt(row: number, into: Uint16Array): number;
  /** The target id of a row's link, as stored. */
  targetIdAt(row: number): string;
}

/**
 * A recon's target set when its links were read joined with the targets' versions: a linked target is known by
 * its link's row (version and claim), and only the targets no link points at have a table of their own
 * (`unlinked`). After a first recon nearly every target is linked, so the run holds one row per link instead
 * of one per link and one per target. Ids are compared as stored, under the mapping's only link qualifier.
 *
 * Claims are bits on link rows. A claim by key whose link the run has since forgotten (an unlink or a
 * re-pointed link) is kept by key, so the target phase still skips that target, as ReconTargets would.
 */
export class LinkedTargets implements ReconTargetSet {
  private claims = new Uint8Array(0);
  private readonly claimedWithoutRow = new Set<string>();

  constructor(
    private readonly links: LinkedTargetRows,
    private readonly unlinked: ReconTargets,
    private readonly linkedCount: number,
  ) {}

  get size(): number {
    return this.linkedCount + this.unlinked.size;
  }

  has(key: string): boolean {
    const row = this.links.rowOfTarget(key);
    return (row >= 0 && this.links.hasTargetAt(row)) || this.unlinked.has(key);
  }

  versionOf(key: string): string | null {
    const row = this.links.rowOfTarget(key);
    return (row >= 0 ? this.links.targetVersionAt(row) : null) ?? this.unlinked.versionOf(key);
  }

  /** The link's own row: its target's version is on it (the key is not needed). */
  rowOfLinked(linkRow: number, _key?: string): number {
    return linkRow;
  }

  versionAt(row: number): string | null {
    return this.links.targetVersionAt(row);
  }

  versionCodesAt(row: number, into: Uint16Array): number {
    return this.links.targetVersionCodesAt(row, into);
  }

  claim(key: string): void {
    const row = this.links.rowOfTarget(key);
    if (row >= 0) this.claimRow(row);
    else if (!this.unlinked.has(key)) this.claimedWithoutRow.add(key);
    // A target linked during the run (correlation) was among the unlinked ones when it began.
    this.unlinked.claim(key);
  }

  claimRow(row: number): void {
    if (this.claims.length * 8 <= row) {
      const rows = Math.max(this.links.prefetchedRows, row + 1, this.claims.length * 16);
      const claims = new Uint8Array(Math.ceil(rows / 8));
      claims.set(this.claims);
      this.claims = claims;
    }
    this.claims[row >>> 3] = (this.claims[row >>> 3] as number) | (1 << (row & 7));
  }

  /** The linked targets no source claimed, in the order the links came, then the unlinked ones. */
  *unclaimed(): Generator<string> {
    for (let row = 0; row < this.links.prefetchedRows; row++) {
      if (this.claimed(row) || !this.links.hasTargetAt(row)) continue;
      const id = this.links.targetIdAt(row);
      // The run may have moved the target's link to a row of its own, or forgotten it, and claimed it there.
      const now = this.links.rowOfTarget(id);
      if (now !== row && (now >= 0 ? this.claimed(now) : this.claimedWithoutRow.has(id))) continue;
      yield id;
    }
    yield* this.unlinked.unclaimed();
  }

  private claimed(row: number): boolean {
    return row >>> 3 < this.claims.length && ((this.claims[row >>> 3] as number) & (1 << (row & 7))) !== 0;
  }
}
