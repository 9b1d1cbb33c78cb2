import type { Entry } from 'ldapts';
import { copyWith } from '../../core/copy-with';

export interface RecentRead {
  readonly entry: Entry;
  /** The entry's groups, when that read took them. */
  readonly groups: readonly string[] | undefined;
  /**
   * Set when the read came from memory (WrittenEntries), not from the directory: the entryCSN the entry had
   * when last written, which a write planned from this read asserts. Such a read does not age: the assertion,
   * not the clock, tells whether it still holds.
   */
  readonly unconfirmedCsn?: string;
}

interface Remembered extends RecentRead {
  readonly objectType: string;
  readonly id: string;
  readonly at: number;
}

/**
 * The entries behind objects that this connector's `read` returned moments ago, so that an update planned from
 * such an object (UpdateOptions.current) diffs against that entry rather than searching for it once more: one
 * LDAP search less per synced update. Keyed by the returned object itself, in a WeakMap, so nothing outlives
 * the caller's copy; each is used once (the update changes the entry), and one older than `maxAgeMs` is not used
 * at all, so an object a caller kept for a while never plans a write against a stale picture of the directory.
 */
export class RecentReads {
  private readonly reads = new WeakMap<object, Remembered>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  remember(object: object, objectType: string, id: string, read: RecentRead): void {
    this.reads.set(object, copyWith(read, { objectType, id, at: this.now() }));
  }

  /** The read behind `object` when it is of `objectType`/`id`, fresh, and has the groups if `needsGroups`. */
  take(
    object: object | undefined,
    objectType: string,
    id: string,
    needsGroups: boolean,
  ): RecentRead | undefined {
    if (object === undefined) return undefined;
    const read = this.reads.get(object);
    if (read === undefined) return undefined;
    this.reads.delete(object);
    const usable =
      read.objectType === objectType &&
      read.id === id &&
      (read.unconfirmedCsn !== undefined || this.now() - read.at <= this.maxAgeMs) &&
      (!needsGroups || read.groups !== undefined);
    return usable ? read : undefined;
  }
}
