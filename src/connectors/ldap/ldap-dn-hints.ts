/**
 * Where an id's entry was last seen: id → DN, learnt from this connector's own reads and writes, so the next read
 * or update of the same id can go to the entry (or search entry and groups together) instead of searching the
 * subtree for the id first. A hint is never trusted: lookups through it also match the id and the object type,
 * and fall back to the search by id when the entry is not (or no longer) there. Bounded: the oldest go first.
 */
export class DnHints {
  private readonly dns = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(id: string): string | undefined {
    return this.dns.get(id);
  }

  remember(id: string, dn: string): void {
    this.dns.delete(id);
    this.dns.set(id, dn);
    if (this.dns.size > this.capacity) {
      const oldest = this.dns.keys().next();
      if (!oldest.done) this.dns.delete(oldest.value);
    }
  }

  forget(id: string): void {
    this.dns.delete(id);
  }
}
