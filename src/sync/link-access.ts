import {
  linkBetween,
  linkSourceId,
  linkTargetId,
  normaliseSourceId,
  normaliseTargetId,
  sourceColumn,
  type LinkRecord,
  type LinkStamp,
} from '../core/sync/link';
import type { LinkSnapshot } from '../core/sync/link-snapshot';
import type { LinkSpec } from '../core/sync/sync-config.types';
import type { SqlExecutor } from '../persistence/sql-database';
import type { LinkStore } from './ports/link.store';
import { LinkedTargets } from './linked-targets';
import { FIRST_ID_TEXT, PackedLinks, SECOND_ID_TEXT, VERSION_TEXT } from './packed-links';
import { ReconTargets } from './recon-targets';
import type { TextRow } from '../persistence/text-row';

/**
 * Links per page of the prefetch. Each page's rows are garbage once packed; small pages keep fewer of them alive
 * at a time, which at 300k links was ~20-40 MiB of a recon's peak memory (pages of 5,000).
 */
const PREFETCH_PAGE = 2_000;

/** New links written inside a caller's transaction; the maps learn of them in `committed()`. */
export interface LinkWrites {
  readonly created: LinkRecord[];
  readonly repointed: (readonly [LinkRecord, LinkRecord])[];
}

/**
 * A mapping's links seen from its own direction (reverse use through `links` included, §3), with ids
 * normalised for case-insensitive sides. With `prefetch()` (recon's `prefetchLinks`) every link of the
 * type is held in memory, packed outside the JavaScript heap and found by this mapping's source id or by
 * its target id, so lookups cost no query; links this run writes are kept there too. `enableLinking:
 * false` makes every lookup empty and every write a no-op.
 */
export class LinkAccess {
  /** The prefetched links (packed-links.ts); null until `prefetch()`. */
  private links: PackedLinks | null = null;

  /**
   * `known`: the source's links as a read just made found them (implicit sync: the managed write's statement);
   * `forSource` answers from it where it looked, until this access writes a link.
   */
  constructor(
    private readonly store: LinkStore,
    private readonly spec: LinkSpec,
    private readonly enabled: boolean,
    private known?: LinkSnapshot,
  ) {}

  get prefetched(): boolean {
    return this.links !== null;
  }

  /** Loads every link of the type; returns how many (the summary's `links.existing.total`). */
  async prefetch(): Promise<number> {
    const links = new PackedLinks(this.spec);
    const rows = this.enabled && (await this.store.eachOfType(this.spec.type, (row) => links.addRow(row)));
    if (this.enabled && !rows) {
      for await (const page of this.store.allOfType(this.spec.type, PREFETCH_PAGE)) {
        for (const link of page) links.addRecord(link, link.stamp);
      }
    }
    this.links = links;
    return links.size;
  }

  /**
   * `prefetch`, with the target set read in the same snapshot (`eachRow`: ObjectVersions.eachRowWithLinks for
   * `qualifier`, the mapping's only one): each link carries the version of its target, and the targets are
   * those links' plus the targets no link points at (linked-targets.ts). Recon then holds no second table of
   * the targets every link already names, and reads a linked target's version from the row it found the link
   * at. Null, having read nothing, where the set cannot read so.
   */
  async prefetchWithTargets(
    qualifier: string,
    eachRow: (onRow: (row: TextRow) => void) => Promise<boolean>,
  ): Promise<{ readonly targets: LinkedTargets; readonly links: number } | null> {
    // The rows name a link's target by `second_id`: the mapping's own links, not another's used in reverse.
    if (!this.enabled || this.spec.reversed) return null;
    const links = new PackedLinks(this.spec);
    const unlinked = new ReconTargets();
    let linkedTargets = 0;
    const read = await eachRow((row) => {
      if (row.isNull(FIRST_ID_TEXT)) {
        unlinked.addRow(row, SECOND_ID_TEXT, VERSION_TEXT);
        return;
      }
      if (!row.isNull(VERSION_TEXT)) linkedTargets += 1;
      links.addRow(row, VERSION_TEXT);
    });
    if (!read) return null;
    this.links = links;
    const prefetchedRows = links.rowCount;
    const targets = new LinkedTargets(
      {
        prefetchedRows,
        rowOfTarget: (key) => links.targetRow(qualifier, key),
        hasTargetAt: (row) => row < prefetchedRows && links.hasTargetVersionAt(row),
        targetVersionAt: (row) => (row < prefetchedRows ? links.targetVersionAt(row) : null),
        targetVersionCodesAt: (row, into) =>
          row < prefetchedRows ? links.targetVersionCodesAt(row, into) : 0,
        targetIdAt: (row) => links.targetIdAt(row),
      },
      unlinked,
      linkedTargets,
    );
    return { targets, links: links.size };
  }

  /** The source's link from the prefetched or known links, without a promise; undefined when not there. */
  prefetchedForSource(qualifier: string, sourceId: string): LinkRecord | null | undefined {
    if (!this.enabled) return null;
    const id = normaliseSourceId(this.spec, sourceId);
    if (this.links === null) return this.knownForSource(qualifier, id);
    return this.links.recordAt(this.links.sourceRow(qualifier, id));
  }

  /** Only the target id of the source's prefetched link (as `targetOf` gives it); null when none or not prefetched. */
  prefetchedTargetOf(qualifier: string, sourceId: string): string | null {
    const row = this.prefetchedRowOf(qualifier, sourceId);
    return row < 0 ? null : this.prefetchedTargetIdAt(row);
  }

  /**
   * The target id and recon stamp of the source's prefetched link, read in one lookup, and the row it is at
   * (ReconTargetSet.rowOfLinked); null when there is no such link or no prefetch. `stamp` is '' when the link
   * has none.
   */
  prefetchedStampOf(
    qualifier: string,
    sourceId: string,
  ): { targetId: string; stamp: string; row: number } | null {
    const row = this.prefetchedRowOf(qualifier, sourceId);
    if (row < 0) return null;
    return { targetId: this.prefetchedTargetIdAt(row), stamp: this.prefetchedStampAt(row), row };
  }

  /**
   * The row of the source's prefetched link, for the reads below and ReconTargetSet.rowOfLinked; -1 when there
   * is no such link or no prefetch. `prefetchedStampOf` in parts, for the recon shortcut's check of every entry,
   * which makes no object or string it can do without.
   */
  prefetchedRowOf(qualifier: string, sourceId: string): number {
    const links = this.links;
    if (!this.enabled || links === null) return -1;
    return links.sourceRow(qualifier, normaliseSourceId(this.spec, sourceId));
  }

  /** The target id of a row of `prefetchedRowOf`. */
  prefetchedTargetIdAt(row: number): string {
    return this.links?.targetIdAt(row) ?? '';
  }

  /** The recon stamp of a row of `prefetchedRowOf`; '' when none. */
  prefetchedStampAt(row: number): string {
    return this.links?.stampAt(row) ?? '';
  }

  /** The stamp of a row of `prefetchedRowOf` as code units (PackedTable.codesAt): 0 when none, -1 when too long. */
  prefetchedStampCodesAt(row: number, into: Uint16Array): number {
    return this.links?.stampCodesAt(row, into) ?? 0;
  }

  /** Whether any prefetched link carries a recon stamp (a first recon's links have none to look up). */
  get anyStamped(): boolean {
    return this.links?.anyStamped ?? false;
  }

  /** Stores recon stamps on links (the prefetched copies keep theirs: a run looks at each link once). */
  async stamp(stamps: readonly LinkStamp[]): Promise<void> {
    if (this.enabled && stamps.length > 0) await this.store.setStamps(stamps);
  }

  async forSource(qualifier: string, sourceId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseSourceId(this.spec, sourceId);
    if (this.links !== null) return this.links.recordAt(this.links.sourceRow(qualifier, id));
    const known = this.knownForSource(qualifier, id);
    if (known !== undefined) return known;
    return this.spec.reversed
      ? this.store.findBySecondId(this.spec.type, qualifier, id)
      : this.store.findByFirstId(this.spec.type, qualifier, id);
  }

  async forTarget(qualifier: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseTargetId(this.spec, targetId);
    if (this.links !== null) return this.links.recordAt(this.links.targetRow(qualifier, id));
    return this.spec.reversed
      ? this.store.findByFirstId(this.spec.type, qualifier, id)
      : this.store.findBySecondId(this.spec.type, qualifier, id);
  }

  /** `id`: the source id normalised as stored. */
  private knownForSource(qualifier: string, id: string): LinkRecord | null | undefined {
    return this.known?.lookup(this.spec.type, sourceColumn(this.spec), qualifier, id);
  }

  /** This mapping's target id in a link (normalised as stored). */
  targetOf(link: LinkRecord): string {
    return linkTargetId(this.spec, link);
  }

  sourceOf(link: LinkRecord): string {
    return linkSourceId(this.spec, link);
  }

  /** Whether target ids are compared as stored (normaliseTarget changes none). */
  get targetIdsAsStored(): boolean {
    return this.spec.targetIdsCaseSensitive;
  }

  normaliseTarget(id: string): string {
    return normaliseTargetId(this.spec, id);
  }

  /** Creates the link; a duplicate on either side is a CONFLICT from the store (unique indexes). */
  async create(qualifier: string, sourceId: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    this.known = undefined;
    const [link] = await this.store.createMany([linkBetween(this.spec, qualifier, sourceId, targetId)]);
    if (link !== undefined) this.remember(link);
    return link ?? null;
  }

  /** Re-points an existing link to another target (MISSING → CREATE, LINK to another object). */
  async repoint(link: LinkRecord, sourceId: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    this.known = undefined;
    const updated = await this.store.update(
      link._id,
      linkBetween(this.spec, link.linkQualifier, sourceId, targetId),
    );
    this.forget(link);
    this.remember(updated);
    return updated;
  }

  /**
   * Batched writes inside `tx` (recon's CREATE batch): new links in one INSERT, re-pointed links one UPDATE
   * each. Nothing is remembered until `committed()`: a rolled-back batch leaves the maps as they were.
   */
  async writeIn(
    tx: SqlExecutor,
    created: readonly { qualifier: string; sourceId: string; targetId: string; stamp?: string | null }[],
    repointed: readonly { link: LinkRecord; sourceId: string; targetId: string }[],
  ): Promise<LinkWrites> {
    if (!this.enabled) return { created: [], repointed: [] };
    this.known = undefined;
    const keys = created.map((c) => ({
      ...linkBetween(this.spec, c.qualifier, c.sourceId, c.targetId),
      stamp: c.stamp ?? null,
    }));
    const records = await this.store.createMany(keys, tx);
    const moved: (readonly [LinkRecord, LinkRecord])[] = [];
    for (const r of repointed) {
      const key = linkBetween(this.spec, r.link.linkQualifier, r.sourceId, r.targetId);
      moved.push([r.link, await this.store.update(r.link._id, key, tx)]);
    }
    return { created: records, repointed: moved };
  }

  committed(writes: LinkWrites): void {
    for (const link of writes.created) this.remember(link);
    for (const [before, after] of writes.repointed) {
      this.forget(before);
      this.remember(after);
    }
  }

  async remove(link: LinkRecord): Promise<void> {
    if (!this.enabled) return;
    this.known = undefined;
    await this.store.deleteMany([link._id]);
    this.forget(link);
  }

  private remember(link: LinkRecord): void {
    this.links?.addRecord(link);
  }

  private forget(link: LinkRecord): void {
    this.links?.forget(link);
  }
}
