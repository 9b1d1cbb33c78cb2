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
import { PackedTable } from './packed-table';
import { LINK_ROW_COLUMNS, LINKED_VERSION_ROW_COLUMNS, type LinkStore } from './ports/link.store';
import { LinkedTargets } from './linked-targets';
import { ReconTargets } from './recon-targets';
import type { TextRow } from '../persistence/text-row';

/**
 * Links per page of the prefetch. Each page's rows are garbage once packed; small pages keep fewer of them alive
 * at a time, which at 300k links was ~20-40 MiB of a recon's peak memory (pages of 5,000).
 */
const PREFETCH_PAGE = 2_000;

/**
 * Columns of the packed link table: the two lookup keys, then what a LinkRecord needs besides them. The
 * qualifier is the keys' first character (QualifierCodes), not a column of its own.
 */
const SOURCE_KEY = 0;
const TARGET_KEY = 1;
const LINK_ID = 2;
const LINK_REV = 3;
/** Recon's stamp of the link as prefetched (unchanged-stamp.ts); '' when none. */
const STAMP = 4;
/** The version of the link's target when prefetched with the target set (prefetchWithTargets); '' when not. */
const TARGET_VERSION = 5;
const COLUMNS = 6;

/** Where LinkStore.eachOfType's columns are (LINK_ROW_COLUMNS). */
const FIRST_ID_TEXT = LINK_ROW_COLUMNS.indexOf('first_id');
const SECOND_ID_TEXT = LINK_ROW_COLUMNS.indexOf('second_id');
const QUALIFIER_TEXT = LINK_ROW_COLUMNS.indexOf('link_qualifier');
const ID_TEXT = LINK_ROW_COLUMNS.indexOf('id');
const REV_TEXT = LINK_ROW_COLUMNS.indexOf('rev');
const STAMP_TEXT = LINK_ROW_COLUMNS.indexOf('stamp');
const VERSION_TEXT = LINKED_VERSION_ROW_COLUMNS.indexOf('version');

/**
 * Keys are one character standing for the qualifier, then the id: one key per qualifier and id, whatever
 * characters they hold. The characters are numbered per table in the order qualifiers are met (most tables have
 * one, `default`); written out, the qualifier and its length on both keys were ~30 of a packed link's ~200 bytes,
 * and a recon holds every link. Lookups pass the prefix and the id apart (PackedTable.find), so no key string is
 * built per lookup.
 */
class QualifierCodes {
  private readonly codes = new Map<string, string>();
  private readonly names: string[] = [];

  prefixOf(qualifier: string): string {
    let prefix = this.codes.get(qualifier);
    if (prefix === undefined) {
      // From U+0001: Latin-1 (one byte in the table) for the first 255 qualifiers, UTF-16 after that.
      prefix = String.fromCharCode(this.names.length + 1);
      this.codes.set(qualifier, prefix);
      this.names.push(qualifier);
    }
    return prefix;
  }

  /** The qualifier a key starts with. */
  qualifierOf(key: string): string {
    return this.names[key.charCodeAt(0) - 1] ?? '';
  }
}

/** How many characters of a key are its qualifier's (QualifierCodes). */
const PREFIX = 1;

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
  /** The prefetched links, packed (packed-table.ts); null until `prefetch()`. */
  private links: PackedTable | null = null;
  /** How many prefetched links carry a recon stamp. */
  private stamped = 0;
  /** The qualifier of the row packRow packed last. */
  private lastQualifier: string | null = null;
  private readonly qualifiers = new QualifierCodes();

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
    const links = new PackedTable(COLUMNS, [SOURCE_KEY, TARGET_KEY]);
    const rows =
      this.enabled && (await this.store.eachOfType(this.spec.type, (row) => this.packRow(links, row)));
    if (this.enabled && !rows) {
      for await (const page of this.store.allOfType(this.spec.type, PREFETCH_PAGE)) {
        for (const link of page) {
          if (link.stamp !== null) this.stamped += 1;
          this.pack(links, link, link.stamp ?? '');
        }
      }
    }
    this.links = links;
    return links.keyCount(SOURCE_KEY);
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
    const links = new PackedTable(COLUMNS, [SOURCE_KEY, TARGET_KEY]);
    const unlinked = new ReconTargets();
    let linkedTargets = 0;
    const read = await eachRow((row) => {
      if (row.isNull(FIRST_ID_TEXT)) {
        unlinked.addRow(row, SECOND_ID_TEXT, VERSION_TEXT);
        return;
      }
      if (!row.isNull(VERSION_TEXT)) linkedTargets += 1;
      this.packRow(links, row, VERSION_TEXT);
    });
    if (!read) return null;
    this.links = links;
    const prefix = this.qualifiers.prefixOf(qualifier);
    const prefetchedRows = links.rowCount;
    const targets = new LinkedTargets(
      {
        prefetchedRows,
        rowOfTarget: (key) => links.find(TARGET_KEY, prefix, key),
        hasTargetAt: (row) => row < prefetchedRows && !links.isEmpty(row, TARGET_VERSION),
        targetVersionAt: (row) => {
          const version = row < prefetchedRows ? links.value(row, TARGET_VERSION) : '';
          return version === '' ? null : version;
        },
        targetIdAt: (row) => links.value(row, TARGET_KEY).slice(PREFIX),
      },
      unlinked,
      linkedTargets,
    );
    return { targets, links: links.keyCount(SOURCE_KEY) };
  }

  /** The source's link from the prefetched or known links, without a promise; undefined when not there. */
  prefetchedForSource(qualifier: string, sourceId: string): LinkRecord | null | undefined {
    if (!this.enabled) return null;
    if (this.links === null) return this.knownForSource(qualifier, normaliseSourceId(this.spec, sourceId));
    return this.unpack(
      this.links.find(
        SOURCE_KEY,
        this.qualifiers.prefixOf(qualifier),
        normaliseSourceId(this.spec, sourceId),
      ),
    );
  }

  /** Only the target id of the source's prefetched link (as `targetOf` gives it); null when none or not prefetched. */
  prefetchedTargetOf(qualifier: string, sourceId: string): string | null {
    const links = this.links;
    if (!this.enabled || links === null) return null;
    const row = links.find(
      SOURCE_KEY,
      this.qualifiers.prefixOf(qualifier),
      normaliseSourceId(this.spec, sourceId),
    );
    if (row < 0) return null;
    return links.value(row, TARGET_KEY).slice(PREFIX);
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
    const links = this.links;
    if (!this.enabled || links === null) return null;
    const row = links.find(
      SOURCE_KEY,
      this.qualifiers.prefixOf(qualifier),
      normaliseSourceId(this.spec, sourceId),
    );
    if (row < 0) return null;
    return {
      targetId: links.value(row, TARGET_KEY).slice(PREFIX),
      stamp: links.value(row, STAMP),
      row,
    };
  }

  /** Whether any prefetched link carries a recon stamp (a first recon's links have none to look up). */
  get anyStamped(): boolean {
    return this.stamped > 0;
  }

  /** Stores recon stamps on links (the prefetched copies keep theirs: a run looks at each link once). */
  async stamp(stamps: readonly LinkStamp[]): Promise<void> {
    if (this.enabled && stamps.length > 0) await this.store.setStamps(stamps);
  }

  async forSource(qualifier: string, sourceId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseSourceId(this.spec, sourceId);
    if (this.links !== null)
      return this.unpack(this.links.find(SOURCE_KEY, this.qualifiers.prefixOf(qualifier), id));
    const known = this.knownForSource(qualifier, id);
    if (known !== undefined) return known;
    return this.spec.reversed
      ? this.store.findBySecondId(this.spec.type, qualifier, id)
      : this.store.findByFirstId(this.spec.type, qualifier, id);
  }

  async forTarget(qualifier: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseTargetId(this.spec, targetId);
    if (this.links !== null)
      return this.unpack(this.links.find(TARGET_KEY, this.qualifiers.prefixOf(qualifier), id));
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
    if (this.links !== null) this.pack(this.links, link);
  }

  private forget(link: LinkRecord): void {
    const links = this.links;
    if (links === null) return;
    for (const [column, id] of [
      [SOURCE_KEY, linkSourceId(this.spec, link)],
      [TARGET_KEY, linkTargetId(this.spec, link)],
    ] as const) {
      const prefix = this.qualifiers.prefixOf(link.linkQualifier);
      const row = links.find(column, prefix, id);
      if (row >= 0 && links.value(row, LINK_ID) === link._id) links.remove(column, prefix, id);
    }
  }

  private pack(links: PackedTable, link: LinkRecord, stamp = ''): void {
    const prefix = this.qualifiers.prefixOf(link.linkQualifier);
    links.insert([
      prefix + linkSourceId(this.spec, link),
      prefix + linkTargetId(this.spec, link),
      link._id,
      link._rev,
      stamp,
      '',
    ]);
  }

  /**
   * Packs a row of LinkStore.eachOfType as `pack` packs a LinkRecord, copying the plain columns' bytes: no
   * string or object is made for them (at 100k links that was half of the prefetch's time). `versionColumn`:
   * where the row has its target's version (prefetchWithTargets), if it has.
   */
  private packRow(links: PackedTable, row: TextRow, versionColumn = -1): void {
    const [source, target] = this.spec.reversed
      ? [SECOND_ID_TEXT, FIRST_ID_TEXT]
      : [FIRST_ID_TEXT, SECOND_ID_TEXT];
    const prefix = this.qualifiers.prefixOf(this.qualifierOfRow(row));
    const stamped = !row.isNull(STAMP_TEXT);
    if (stamped) this.stamped += 1;
    let bytes = 4 * COLUMNS + 4 * prefix.length;
    const columns = versionColumn < 0 ? LINK_ROW_COLUMNS.length : LINKED_VERSION_ROW_COLUMNS.length;
    for (let column = 0; column < columns; column++) bytes += 2 * (row.end(column) - row.start(column));
    links.beginRow(bytes);
    links.cellFrom(row, source, prefix);
    links.cellFrom(row, target, prefix);
    links.cellFrom(row, ID_TEXT);
    links.cellFrom(row, REV_TEXT);
    if (stamped) links.cellFrom(row, STAMP_TEXT);
    else links.cell('');
    if (versionColumn >= 0) links.cellFrom(row, versionColumn);
    else links.cell('');
    links.endRow();
  }

  /** The row's qualifier; the last one read again when its bytes are the same (most links share one). */
  private qualifierOfRow(row: TextRow): string {
    const start = row.start(QUALIFIER_TEXT);
    const end = row.end(QUALIFIER_TEXT);
    const last = this.lastQualifier;
    if (row.plain(QUALIFIER_TEXT) && last !== null && last.length === end - start) {
      let same = true;
      for (let i = 0; same && i < last.length; i++) same = row.bytes[start + i] === last.charCodeAt(i);
      if (same) return last;
    }
    const qualifier = row.text(QUALIFIER_TEXT) ?? '';
    this.lastQualifier = qualifier;
    return qualifier;
  }

  /** The LinkRecord of a packed row (ids as stored: the key minus its qualifier prefix). */
  private unpack(row: number): LinkRecord | null {
    const links = this.links;
    if (row < 0 || links === null) return null;
    const values = links.values(row);
    const sourceKey = values[SOURCE_KEY] as string;
    const qualifier = this.qualifiers.qualifierOf(sourceKey);
    const sourceId = sourceKey.slice(PREFIX);
    const targetId = (values[TARGET_KEY] as string).slice(PREFIX);
    return {
      _id: values[LINK_ID] as string,
      _rev: values[LINK_REV] as string,
      linkType: this.spec.type,
      linkQualifier: qualifier,
      firstId: this.spec.reversed ? targetId : sourceId,
      secondId: this.spec.reversed ? sourceId : targetId,
    };
  }
}
