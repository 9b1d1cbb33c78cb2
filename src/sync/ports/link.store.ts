import type { LinkKey, LinkRecord, LinkStamp, StampedLinkKey, StampedLinkRecord } from '../../core/sync/link';
import type { LinkSide } from '../../core/sync/link-snapshot';
import type { CompanionRead } from '../../persistence/following-writes';
import type { SqlExecutor } from '../../persistence/sql-database';
import type { TextRow } from '../../persistence/text-row';

/** The columns of LinkStore.eachOfType's rows, in order. */
export const LINK_ROW_COLUMNS = ['first_id', 'second_id', 'link_qualifier', 'id', 'rev', 'stamp'] as const;

/**
 * The columns of ObjectVersions.eachRowWithLinks's rows: a link's LINK_ROW_COLUMNS and the version of the object
 * its `second_id` names (null when that object is gone, or the link has another qualifier); or, for an object no
 * link of the qualifier points at, its id as `second_id`, its version, and nulls elsewhere.
 */
export const LINKED_VERSION_ROW_COLUMNS = [...LINK_ROW_COLUMNS, 'version'] as const;

/** A read of the links on some sides, made inside another statement, and how to take its rows. */
export interface LinkSidesRead {
  readonly read: CompanionRead;
  readonly records: (rows: readonly unknown[]) => LinkRecord[];
}

/**
 * Port: OpenIDM's `links` (shared/reference/openidm-sync-facts.md §3). Ids are stored exactly as given:
 * callers normalise case-insensitive ids first (core/sync/link.ts). Every method accepts an optional open
 * transaction so a managed write and its link commit together.
 */
export abstract class LinkStore {
  /** Every link of a link type (all qualifiers), streamed in pages so 10^6 links need not be one array. */
  abstract allOfType(linkType: string, pageSize?: number): AsyncIterable<StampedLinkRecord[]>;
  /**
   * As allOfType, each link as a TextRow of LINK_ROW_COLUMNS, without an object per link (recon's prefetch
   * packs them). Resolves false, having read nothing, where the store cannot stream rows so (the caller then
   * reads allOfType).
   */
  eachOfType(_linkType: string, _onRow: (row: TextRow) => void): Promise<boolean> {
    return Promise.resolve(false);
  }
  abstract findByFirstId(
    linkType: string,
    qualifier: string,
    firstId: string,
    tx?: SqlExecutor,
  ): Promise<LinkRecord | null>;
  abstract findBySecondId(
    linkType: string,
    qualifier: string,
    secondId: string,
    tx?: SqlExecutor,
  ): Promise<LinkRecord | null>;
  /**
   * The read `findByFirstId`/`findBySecondId` would make for each side, as one read to send along with
   * another statement (FollowingExecutor.alongside); rows come back as JSON objects.
   */
  abstract sidesRead(sides: readonly LinkSide[]): LinkSidesRead;
  /** Links where `id` is the firstId or the secondId, of any type (getLinkedResources). */
  abstract findByEitherId(id: string): Promise<LinkRecord[]>;
  /** Inserts many links in one statement; a duplicate on either unique side throws CONFLICT naming the key. */
  abstract createMany(links: readonly StampedLinkKey[], tx?: SqlExecutor): Promise<LinkRecord[]>;
  /** Re-points an existing link (MISSING → CREATE, LINK to another object); its stamp is cleared. */
  abstract update(id: string, key: LinkKey, tx?: SqlExecutor): Promise<LinkRecord>;
  /** Stores recon's stamps on existing links (unchanged-stamp.ts), in one statement. */
  abstract setStamps(stamps: readonly LinkStamp[]): Promise<void>;
  abstract deleteMany(ids: readonly string[], tx?: SqlExecutor): Promise<number>;
  /** `delete-mapping-links`: removes every link of the type; returns how many. */
  abstract deleteOfType(linkType: string): Promise<number>;
  abstract countOfType(linkType: string): Promise<number>;
}
