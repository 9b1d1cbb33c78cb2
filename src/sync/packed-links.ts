import { linkSourceId, linkTargetId, type LinkRecord } from '../core/sync/link';
import type { LinkSpec } from '../core/sync/sync-config.types';
import type { TextRow } from '../persistence/text-row';
import { PackedTable } from './packed-table';
import { LINK_ROW_COLUMNS, LINKED_VERSION_ROW_COLUMNS } from './ports/link.store';

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
/** The version of the link's target when read with the links (LinkAccess.prefetchWithTargets); '' when not. */
const TARGET_VERSION = 5;
const COLUMNS = 6;

/** Where LinkStore.eachOfType's columns are (LINK_ROW_COLUMNS). */
export const FIRST_ID_TEXT = LINK_ROW_COLUMNS.indexOf('first_id');
export const SECOND_ID_TEXT = LINK_ROW_COLUMNS.indexOf('second_id');
const QUALIFIER_TEXT = LINK_ROW_COLUMNS.indexOf('link_qualifier');
const ID_TEXT = LINK_ROW_COLUMNS.indexOf('id');
const REV_TEXT = LINK_ROW_COLUMNS.indexOf('rev');
const STAMP_TEXT = LINK_ROW_COLUMNS.indexOf('stamp');
/** Where ObjectVersions.eachRowWithLinks puts a link's target's version (LINKED_VERSION_ROW_COLUMNS). */
export const VERSION_TEXT = LINKED_VERSION_ROW_COLUMNS.indexOf('version');

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

/**
 * A mapping's links held for a recon, packed outside the JavaScript heap (packed-table.ts) and found by the
 * mapping's source id or target id (ids as the caller normalised them) under a qualifier. Rows are numbered in
 * the order they were added; a forgotten link's row stays readable by its number.
 */
export class PackedLinks {
  private readonly table = new PackedTable(COLUMNS, [SOURCE_KEY, TARGET_KEY]);
  private readonly qualifiers = new QualifierCodes();
  /** The qualifier of the row `addRow` packed last. */
  private lastQualifier: string | null = null;
  /** How many added links carry a recon stamp. */
  private stampedCount = 0;

  constructor(private readonly spec: LinkSpec) {}

  /** Links held (one per source key). */
  get size(): number {
    return this.table.keyCount(SOURCE_KEY);
  }

  /** Rows ever added: row numbers are 0…rowCount-1. */
  get rowCount(): number {
    return this.table.rowCount;
  }

  get anyStamped(): boolean {
    return this.stampedCount > 0;
  }

  /** Holds a link read or written as a record. */
  addRecord(link: LinkRecord, stamp: string | null = null): void {
    if (stamp !== null) this.stampedCount += 1;
    const prefix = this.qualifiers.prefixOf(link.linkQualifier);
    this.table.insert([
      prefix + linkSourceId(this.spec, link),
      prefix + linkTargetId(this.spec, link),
      link._id,
      link._rev,
      stamp ?? '',
      '',
    ]);
  }

  /**
   * Holds a row of LinkStore.eachOfType as `addRecord` holds a record, copying the plain columns' bytes: no
   * string or object is made for them (at 100k links that was half of the prefetch's time). `versionColumn`:
   * where the row has its target's version (ObjectVersions.eachRowWithLinks), if it has.
   */
  addRow(row: TextRow, versionColumn = -1): void {
    const [source, target] = this.spec.reversed
      ? [SECOND_ID_TEXT, FIRST_ID_TEXT]
      : [FIRST_ID_TEXT, SECOND_ID_TEXT];
    const prefix = this.qualifiers.prefixOf(this.qualifierOfRow(row));
    const stamped = !row.isNull(STAMP_TEXT);
    if (stamped) this.stampedCount += 1;
    let bytes = 4 * COLUMNS + 4 * prefix.length;
    const columns = versionColumn < 0 ? LINK_ROW_COLUMNS.length : LINKED_VERSION_ROW_COLUMNS.length;
    for (let column = 0; column < columns; column++) bytes += 2 * (row.end(column) - row.start(column));
    const table = this.table;
    table.beginRow(bytes);
    table.cellFrom(row, source, prefix);
    table.cellFrom(row, target, prefix);
    table.cellFrom(row, ID_TEXT);
    table.cellFrom(row, REV_TEXT);
    if (stamped) table.cellFrom(row, STAMP_TEXT);
    else table.cell('');
    if (versionColumn >= 0) table.cellFrom(row, versionColumn);
    else table.cell('');
    table.endRow();
  }

  /** The row of the link of `sourceId` under `qualifier`, or -1. */
  sourceRow(qualifier: string, sourceId: string): number {
    return this.table.find(SOURCE_KEY, this.qualifiers.prefixOf(qualifier), sourceId);
  }

  /** The row of the link of `targetId` under `qualifier`, or -1. */
  targetRow(qualifier: string, targetId: string): number {
    return this.table.find(TARGET_KEY, this.qualifiers.prefixOf(qualifier), targetId);
  }

  /** The target id of a row's link (normalised as stored). */
  targetIdAt(row: number): string {
    return this.table.value(row, TARGET_KEY).slice(PREFIX);
  }

  /** The row's recon stamp; '' when none. */
  stampAt(row: number): string {
    return this.table.value(row, STAMP);
  }

  /** `stampAt` as code units (PackedTable.codesAt): 0 when none, -1 when longer than `into`. */
  stampCodesAt(row: number, into: Uint16Array): number {
    return this.table.codesAt(row, STAMP, into);
  }

  /** Whether the row was read with its target's version (the target was there). */
  hasTargetVersionAt(row: number): boolean {
    return !this.table.isEmpty(row, TARGET_VERSION);
  }

  /** The version of the row's target as read with it; null when none was. */
  targetVersionAt(row: number): string | null {
    const version = this.table.value(row, TARGET_VERSION);
    return version === '' ? null : version;
  }

  /** `targetVersionAt` as code units (PackedTable.codesAt): 0 when none, -1 when longer than `into`. */
  targetVersionCodesAt(row: number, into: Uint16Array): number {
    return this.table.codesAt(row, TARGET_VERSION, into);
  }

  /** The LinkRecord of a row (ids as stored: the keys minus their qualifier prefix); null for -1. */
  recordAt(row: number): LinkRecord | null {
    if (row < 0) return null;
    const values = this.table.values(row);
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

  /** Drops a link's keys, where they still name that link (its row stays readable by number). */
  forget(link: LinkRecord): void {
    const prefix = this.qualifiers.prefixOf(link.linkQualifier);
    for (const [column, id] of [
      [SOURCE_KEY, linkSourceId(this.spec, link)],
      [TARGET_KEY, linkTargetId(this.spec, link)],
    ] as const) {
      const row = this.table.find(column, prefix, id);
      if (row >= 0 && this.table.value(row, LINK_ID) === link._id) this.table.remove(column, prefix, id);
    }
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
}
