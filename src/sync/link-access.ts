import {
  linkBetween,
  linkSourceId,
  linkTargetId,
  normaliseSourceId,
  normaliseTargetId,
  type LinkRecord,
} from '../core/sync/link';
import type { LinkSpec } from '../core/sync/sync-config.types';
import type { SqlExecutor } from '../persistence/sql-database';
import type { LinkStore } from './ports/link.store';

/**
 * Links by qualifier, then by id. Two levels rather than one `qualifier + id` key: no key string is built
 * per link, so a prefetch of 10^6 links holds the records and the map entries only.
 */
class QualifiedIndex {
  private readonly byQualifier = new Map<string, Map<string, LinkRecord>>();
  size = 0;

  get(qualifier: string, id: string): LinkRecord | undefined {
    return this.byQualifier.get(qualifier)?.get(id);
  }

  set(qualifier: string, id: string, link: LinkRecord): void {
    let ids = this.byQualifier.get(qualifier);
    if (ids === undefined) this.byQualifier.set(qualifier, (ids = new Map<string, LinkRecord>()));
    if (!ids.has(id)) this.size += 1;
    ids.set(id, link);
  }

  delete(qualifier: string, id: string): void {
    if (this.byQualifier.get(qualifier)?.delete(id) === true) this.size -= 1;
  }
}

/** New links written inside a caller's transaction; the maps learn of them in `committed()`. */
export interface LinkWrites {
  readonly created: LinkRecord[];
  readonly repointed: (readonly [LinkRecord, LinkRecord])[];
}

/**
 * A mapping's links seen from its own direction (reverse use through `links` included, §3), with ids
 * normalised for case-insensitive sides. With `prefetch()` (recon's `prefetchLinks`) every link of the
 * type is held in two maps, by this mapping's source id and by its target id, so lookups cost no query;
 * links this run writes are kept in the maps too. `enableLinking: false` makes every lookup empty and
 * every write a no-op.
 */
export class LinkAccess {
  private bySource: QualifiedIndex | null = null;
  private byTarget: QualifiedIndex | null = null;

  constructor(
    private readonly store: LinkStore,
    private readonly spec: LinkSpec,
    private readonly enabled: boolean,
  ) {}

  get prefetched(): boolean {
    return this.bySource !== null;
  }

  /** Loads every link of the type; returns how many (the summary's `links.existing.total`). */
  async prefetch(): Promise<number> {
    const bySource = new QualifiedIndex();
    const byTarget = new QualifiedIndex();
    // Every row brings its own copy of the link type and qualifier strings: one shared copy each instead.
    const shared = new Map<string, string>();
    const intern = (text: string): string => shared.get(text) ?? (shared.set(text, text), text);
    if (this.enabled) {
      for await (const page of this.store.allOfType(this.spec.type, 5_000)) {
        for (const row of page) {
          const link: LinkRecord = {
            ...row,
            _rev: intern(row._rev),
            linkType: intern(row.linkType),
            linkQualifier: intern(row.linkQualifier),
          };
          bySource.set(link.linkQualifier, linkSourceId(this.spec, link), link);
          byTarget.set(link.linkQualifier, linkTargetId(this.spec, link), link);
        }
      }
    }
    this.bySource = bySource;
    this.byTarget = byTarget;
    return bySource.size;
  }

  async forSource(qualifier: string, sourceId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseSourceId(this.spec, sourceId);
    if (this.bySource !== null) return this.bySource.get(qualifier, id) ?? null;
    return this.spec.reversed
      ? this.store.findBySecondId(this.spec.type, qualifier, id)
      : this.store.findByFirstId(this.spec.type, qualifier, id);
  }

  async forTarget(qualifier: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseTargetId(this.spec, targetId);
    if (this.byTarget !== null) return this.byTarget.get(qualifier, id) ?? null;
    return this.spec.reversed
      ? this.store.findByFirstId(this.spec.type, qualifier, id)
      : this.store.findBySecondId(this.spec.type, qualifier, id);
  }

  /** This mapping's target id in a link (normalised as stored). */
  targetOf(link: LinkRecord): string {
    return linkTargetId(this.spec, link);
  }

  sourceOf(link: LinkRecord): string {
    return linkSourceId(this.spec, link);
  }

  normaliseTarget(id: string): string {
    return normaliseTargetId(this.spec, id);
  }

  /** Creates the link; a duplicate on either side is a CONFLICT from the store (unique indexes). */
  async create(qualifier: string, sourceId: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const [link] = await this.store.createMany([linkBetween(this.spec, qualifier, sourceId, targetId)]);
    if (link !== undefined) this.remember(link);
    return link ?? null;
  }

  /** Re-points an existing link to another target (MISSING → CREATE, LINK to another object). */
  async repoint(link: LinkRecord, sourceId: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
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
    created: readonly { qualifier: string; sourceId: string; targetId: string }[],
    repointed: readonly { link: LinkRecord; sourceId: string; targetId: string }[],
  ): Promise<LinkWrites> {
    if (!this.enabled) return { created: [], repointed: [] };
    const keys = created.map((c) => linkBetween(this.spec, c.qualifier, c.sourceId, c.targetId));
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
    await this.store.deleteMany([link._id]);
    this.forget(link);
  }

  private remember(link: LinkRecord): void {
    this.bySource?.set(link.linkQualifier, linkSourceId(this.spec, link), link);
    this.byTarget?.set(link.linkQualifier, linkTargetId(this.spec, link), link);
  }

  private forget(link: LinkRecord): void {
    const sourceId = linkSourceId(this.spec, link);
    if (this.bySource?.get(link.linkQualifier, sourceId)?._id === link._id)
      this.bySource.delete(link.linkQualifier, sourceId);
    const targetId = linkTargetId(this.spec, link);
    if (this.byTarget?.get(link.linkQualifier, targetId)?._id === link._id)
      this.byTarget.delete(link.linkQualifier, targetId);
  }
}
