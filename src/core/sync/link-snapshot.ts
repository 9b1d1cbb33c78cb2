import type { LinkColumn, LinkRecord } from './link';

/** Where a snapshot looked: one object's id in one column of one link type, for the given qualifiers. */
export interface LinkSide {
  readonly linkType: string;
  readonly qualifiers: readonly string[];
  readonly column: LinkColumn;
  /** Normalised as stored (core/sync/link.ts). */
  readonly id: string;
}

/**
 * The links of one object as a read of them found them, on the sides that read covered: what a lookup there
 * would return then. Implicit sync takes it from the managed write's own statement instead of reading the link
 * again (FollowingExecutor.alongside); a lookup the snapshot did not cover is answered `undefined`, so the
 * caller reads.
 */
export class LinkSnapshot {
  constructor(
    private readonly sides: readonly LinkSide[],
    private readonly links: readonly LinkRecord[],
  ) {}

  /** The link on that side, null when there was none, undefined when the snapshot did not look there. */
  lookup(linkType: string, column: LinkColumn, qualifier: string, id: string): LinkRecord | null | undefined {
    const covered = this.sides.some(
      (side) =>
        side.linkType === linkType &&
        side.column === column &&
        side.id === id &&
        side.qualifiers.includes(qualifier),
    );
    if (!covered) return undefined;
    return (
      this.links.find(
        (link) => link.linkType === linkType && link.linkQualifier === qualifier && link[column] === id,
      ) ?? null
    );
  }
}
