import {
  sourceColumn,
  type LinkKey,
  type LinkRecord,
  type LinkStamp,
  type StampedLinkKey,
  type StampedLinkRecord,
} from '../../../src/core/sync/link';
import { LinkSnapshot } from '../../../src/core/sync/link-snapshot';
import type { LinkSpec } from '../../../src/core/sync/sync-config.types';
import { LinkAccess } from '../../../src/sync/link-access';
import { LinkStore, type LinkSidesRead } from '../../../src/sync/ports/link.store';

/** The links table in memory, unique per (type, qualifier, firstId) and per (type, qualifier, secondId). */
class MemoryLinks extends LinkStore {
  readonly rows = new Map<string, LinkRecord>();
  /** Recon's stamps by link id: the prefetch reads them, the finders do not. */
  readonly stamps = new Map<string, string | null>();
  private next = 0;

  async *allOfType(linkType: string, pageSize = 3): AsyncIterable<StampedLinkRecord[]> {
    const all = [...this.rows.values()]
      .filter((link) => link.linkType === linkType)
      .map((link) => ({ ...link, stamp: this.stamps.get(link._id) ?? null }));
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
  }
  reads = 0;
  sidesRead(): LinkSidesRead {
    throw new Error('The links in memory are not read by SQL');
  }
  async findByFirstId(type: string, qualifier: string, firstId: string): Promise<LinkRecord | null> {
    return this.find((l) => l.linkType === type && l.linkQualifier === qualifier && l.firstId === firstId);
  }
  async findBySecondId(type: string, qualifier: string, secondId: string): Promise<LinkRecord | null> {
    return this.find((l) => l.linkType === type && l.linkQualifier === qualifier && l.secondId === secondId);
  }
  async findByEitherId(id: string): Promise<LinkRecord[]> {
    return [...this.rows.values()].filter((l) => l.firstId === id || l.secondId === id);
  }
  async createMany(keys: readonly StampedLinkKey[]): Promise<LinkRecord[]> {
    return keys.map((key) => {
      const { stamp, ...fields } = key;
      const link = { ...fields, _id: `link-${++this.next}`, _rev: '0' };
      this.stamps.set(link._id, stamp ?? null);
      this.rows.set(link._id, link);
      return link;
    });
  }
  async update(id: string, key: LinkKey): Promise<LinkRecord> {
    const before = this.rows.get(id) as LinkRecord;
    const link = { ...key, _id: id, _rev: String(Number(before._rev) + 1) };
    this.rows.set(id, link);
    this.stamps.set(id, null);
    return link;
  }
  async setStamps(stamps: readonly LinkStamp[]): Promise<void> {
    for (const { linkId, stamp } of stamps) if (this.rows.has(linkId)) this.stamps.set(linkId, stamp);
  }
  async deleteMany(ids: readonly string[]): Promise<number> {
    return ids.filter((id) => this.rows.delete(id)).length;
  }
  async deleteOfType(): Promise<number> {
    return 0;
  }
  async countOfType(type: string): Promise<number> {
    return [...this.rows.values()].filter((l) => l.linkType === type).length;
  }
  private find(test: (link: LinkRecord) => boolean): LinkRecord | null {
    this.reads += 1;
    return [...this.rows.values()].find(test) ?? null;
  }
}

const spec = (reversed: boolean, targetIdsCaseSensitive = true): LinkSpec => ({
  type: 'ldap_managed',
  reversed,
  sourceIdsCaseSensitive: true,
  targetIdsCaseSensitive,
});

describe('LinkAccess with prefetched (packed) links answers as the store does', () => {
  it.each([
    { name: 'forward', spec: spec(false) },
    { name: 'reversed (links of another mapping)', spec: spec(true) },
    { name: 'case-insensitive targets', spec: spec(false, false) },
  ])('$name', async ({ spec }) => {
    const store = new MemoryLinks();
    const direct = new LinkAccess(store, spec, true);
    // Qualifiers whose text could run into the id if keys were plain concatenations.
    const qualifiers = ['default', 'a', 'a1', 'é'];
    for (let i = 0; i < 12; i++) {
      await direct.create(qualifiers[i % 4] as string, `S${i}`, `T${i % 5}-${i}`);
    }
    await direct.create('other-type-qualifier', 'x', 'y');
    await store.createMany([{ linkType: 'another', linkQualifier: 'default', firstId: 'S1', secondId: 'Z' }]);

    const packed = new LinkAccess(store, spec, true);
    expect(await packed.prefetch()).toBe(13);
    // Writes after the prefetch: a new link, a re-pointed one, a removed one.
    const created = await packed.create('default', 'S-new', 'T-NEW');
    const moved = (await packed.forSource('a', 'S1')) as LinkRecord;
    await packed.repoint(moved, 'S1', 'T-moved');
    await packed.remove((await packed.forSource('a1', 'S2')) as LinkRecord);
    expect(created).not.toBeNull();

    const probes: [string, string][] = [];
    for (const qualifier of [...qualifiers, 'other-type-qualifier', 'missing']) {
      for (const id of ['S0', 'S1', 'S2', 'S3', 'S5', 'S-new', 'x', 'nobody']) probes.push([qualifier, id]);
    }
    for (const [qualifier, sourceId] of probes) {
      const expected = await direct.forSource(qualifier, sourceId);
      expect(await packed.forSource(qualifier, sourceId)).toEqual(expected);
      expect(packed.prefetchedForSource(qualifier, sourceId)).toEqual(expected);
      if (expected !== null) {
        const targetId = direct.targetOf(expected).toUpperCase();
        expect(await packed.forTarget(qualifier, targetId)).toEqual(
          await direct.forTarget(qualifier, targetId),
        );
      }
    }
    expect(await packed.forTarget('a', 'T1-1')).toBeNull();
    expect(direct.prefetchedForSource('default', 'S0')).toBeUndefined();
  });
});

describe('LinkAccess with the links a write read for it (implicit sync)', () => {
  it.each([
    { name: 'forward', spec: spec(false) },
    { name: 'reversed (links of another mapping)', spec: spec(true) },
  ])(
    '$name: answers the source lookups the snapshot covers, reads the rest, and reads again after a write',
    async ({ spec }) => {
      const store = new MemoryLinks();
      const writer = new LinkAccess(store, spec, true);
      const linked = (await writer.create('default', 'S1', 'T1')) as LinkRecord;
      await writer.create('other', 'S1', 'T9');
      const side = {
        linkType: spec.type,
        qualifiers: ['default', 'spare'],
        column: sourceColumn(spec),
        id: 'S1',
      };
      const snapshot = new LinkSnapshot([side], [linked]);
      const access = new LinkAccess(store, spec, true, snapshot);
      store.reads = 0;

      expect(access.prefetchedForSource('default', 'S1')).toEqual(linked);
      expect(await access.forSource('default', 'S1')).toEqual(linked);
      // Covered and absent when read: none, without asking the store.
      expect(await access.forSource('spare', 'S1')).toBeNull();
      expect(store.reads).toBe(0);
      // Not covered (another qualifier, another id): the store answers.
      expect(access.prefetchedForSource('other', 'S1')).toBeUndefined();
      expect(access.targetOf((await access.forSource('other', 'S1')) as LinkRecord)).toBe('T9');
      expect(await access.forSource('default', 'S2')).toBeNull();
      expect(store.reads).toBe(2);

      // Once this access wrote a link, what the snapshot saw may be out of date: every lookup reads.
      await access.create('spare', 'S1', 'T2');
      expect(access.targetOf((await access.forSource('spare', 'S1')) as LinkRecord)).toBe('T2');
      expect(access.prefetchedForSource('default', 'S1')).toBeUndefined();
      expect(store.reads).toBe(3);
    },
  );
});
