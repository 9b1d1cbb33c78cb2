import {
  linkBetween,
  linkSourceId,
  linkTargetId,
  normaliseSourceId,
  normaliseTargetId,
  type LinkRecord,
} from '../core/sync/link';
import type { LinkSpec } from '../core/sync/sync-config.types';
import type { LinkStore } from './ports/link.store';

const key = (qualifier: string, id: string): string => `${qualifier}\u0000${id}`;

/**
 * A mapping's links seen from its own direction (reverse use through `links` included, §3), with ids
 * normalised for case-insensitive sides. With `prefetch()` (recon's `prefetchLinks`) every link of the
 * type is held in two maps, by this mapping's source id and by its target id, so lookups cost no query;
 * links this run writes are kept in the maps too. `enableLinking: false` makes every lookup empty and
 * every write a no-op.
 */
export class LinkAccess {
  private bySource: Map<string, LinkRecord> | null = null;
  private byTarget: Map<string, LinkRecord> | null = null;

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
    const bySource = new Map<string, LinkRecord>();
    const byTarget = new Map<string, LinkRecord>();
    if (this.enabled) {
      for await (const page of this.store.allOfType(this.spec.type, 5_000)) {
        for (const link of page) {
          bySource.set(key(link.linkQualifier, linkSourceId(this.spec, link)), link);
          byTarget.set(key(link.linkQualifier, linkTargetId(this.spec, link)), link);
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
    if (this.bySource !== null) return this.bySource.get(key(qualifier, id)) ?? null;
    return this.spec.reversed
      ? this.store.findBySecondId(this.spec.type, qualifier, id)
      : this.store.findByFirstId(this.spec.type, qualifier, id);
  }

  async forTarget(qualifier: string, targetId: string): Promise<LinkRecord | null> {
    if (!this.enabled) return null;
    const id = normaliseTargetId(this.spec, targetId);
    if (this.byTarget !== null) return this.byTarget.get(key(qualifier, id)) ?? null;
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

  async remove(link: LinkRecord): Promise<void> {
    if (!this.enabled) return;
    await this.store.deleteMany([link._id]);
    this.forget(link);
  }

  private remember(link: LinkRecord): void {
    this.bySource?.set(key(link.linkQualifier, linkSourceId(this.spec, link)), link);
    this.byTarget?.set(key(link.linkQualifier, linkTargetId(this.spec, link)), link);
  }

  private forget(link: LinkRecord): void {
    const bySourceKey = key(link.linkQualifier, linkSourceId(this.spec, link));
    if (this.bySource?.get(bySourceKey)?._id === link._id) this.bySource.delete(bySourceKey);
    const byTargetKey = key(link.linkQualifier, linkTargetId(this.spec, link));
    if (this.byTarget?.get(byTargetKey)?._id === link._id) this.byTarget.delete(byTargetKey);
  }
}
