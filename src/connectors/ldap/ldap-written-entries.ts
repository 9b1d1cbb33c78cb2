import type { Entry } from 'ldapts';

/** An entry as one of the connector's own writes left it (the Post-Read control's reply), and its groups. */
export interface WrittenEntry {
  readonly entry: Entry;
  /** The entry's `entryCSN` in that reply: what a later write asserts is still the entry's. */
  readonly csn: string;
  /** Its groups as the connector last knew them, when it did. */
  readonly groups: readonly string[] | undefined;
}

/**
 * The entries the connector's last writes left, by object type and id, the least recently written dropped first:
 * what implicit sync's next change of the same entry plans from instead of searching for it (ReadOptions.lastWritten).
 * Nothing here is trusted as such: a write planned from it asserts its `csn`, so that a change made behind the
 * connector's back since (another client, another node) is noticed by the directory, not assumed away.
 */
export class WrittenEntries {
  private readonly entries = new Map<string, WrittenEntry>();

  constructor(private readonly capacity: number) {}

  get(objectType: string, id: string): WrittenEntry | undefined {
    return this.entries.get(key(objectType, id));
  }

  /**
   * Keeps `written` unless what is kept is newer: replies of two writes of one entry may arrive in either order,
   * and CSNs begin with their time, so the greater one is the later state.
   */
  remember(objectType: string, id: string, written: WrittenEntry): void {
    const k = key(objectType, id);
    const kept = this.entries.get(k);
    if (kept !== undefined && kept.csn > written.csn) return;
    this.entries.delete(k);
    this.entries.set(k, written);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  forget(objectType: string, id: string): void {
    this.entries.delete(key(objectType, id));
  }
}

const key = (objectType: string, id: string): string => `${objectType}\u0000${id}`;
