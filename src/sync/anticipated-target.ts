import { linkTargetId } from '../core/sync/link';
import type { LinkSide, LinkSnapshot } from '../core/sync/link-snapshot';
import type { Mapping } from '../core/sync/sync-config.types';
import type { AnticipatedRead } from '../sync-queue/change-processor.port';
import type { JsonObject } from '../core/sync/script';
import type { ObjectSet } from './object-sets';

/**
 * Where each object's link of a mapping pointed when this node last read it with a write (the write's
 * companion read), for the objects written most recently. Only a guess, which the next write's own read of
 * the link confirms or not: another node, a recon or an administrator may have moved the link since.
 */
export class RecentLinkTargets {
  private readonly targets = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  /** The target the mapping's link of `sourceId` (normalised as links store it) pointed at, if known. */
  targetOf(mapping: Mapping, sourceId: string): string | undefined {
    return this.targets.get(keyOf(mapping, sourceId));
  }

  /** Takes what a companion read of `side` (a single qualifier's) found: the link's target, or no link. */
  note(mapping: Mapping, side: LinkSide, snapshot: LinkSnapshot): void {
    const [qualifier] = side.qualifiers;
    if (qualifier === undefined || side.qualifiers.length !== 1) return;
    const key = keyOf(mapping, side.id);
    const link = snapshot.lookup(side.linkType, side.column, qualifier, side.id);
    this.targets.delete(key);
    if (link === null || link === undefined) return;
    // Map keeps insertion order: the first key is the one written longest ago.
    if (this.targets.size >= this.capacity) {
      const oldest = this.targets.keys().next();
      if (oldest.done !== true) this.targets.delete(oldest.value);
    }
    this.targets.set(key, linkTargetId(mapping.link, link));
  }
}

const keyOf = (mapping: Mapping, sourceId: string): string => `${mapping.name}\u0000${sourceId}`;

/**
 * `set`, answering its first read of `anticipated.targetId` with the read already under way; any other read,
 * and a second read of that id, goes to the set. A link that moved meanwhile makes the engine read another id,
 * so the anticipated read is simply not taken.
 */
export function withAnticipatedRead(set: ObjectSet, anticipated: AnticipatedRead): ObjectSet {
  let pending: Promise<JsonObject | null> | undefined = anticipated.target;
  const read = (id: string): Promise<JsonObject | null> => {
    const taken = id === anticipated.targetId ? pending : undefined;
    if (taken === undefined) return set.read(id);
    pending = undefined;
    return taken;
  };
  return Object.create(set, { read: { value: read } }) as ObjectSet;
}
