import type { Mapping } from '../core/sync/sync-config.types';
import type { ObjectSet } from './object-sets';
import { readAheadWhile } from './read-ahead';
import {
  idPages,
  peek,
  sourcePages,
  type Peeked,
  type SourceItem,
  type SourceRevisions,
} from './recon-source';
import type { UnchangedEntries } from './unchanged-entries';

/**
 * Source pages read ahead while the link prefetch runs (a light page of 1,000 ids and revisions is ~0.2 MB). Pages
 * waiting survive the young generation's collections: at 48, V8 grew its semi-space in (b) at 300k entries of
 * bench:recon and the peak RSS went 247 → 303 MiB; 12 keep it where it was (docs/benchmarks.md).
 */
const LIGHT_PAGES_AHEAD = 12;

type OpenedSource = Peeked<readonly SourceItem[]>;

/**
 * How a recon opens its source query: whole entries, entries with their revisions, or — when the prefetched links
 * carry unchanged stamps — a light first pass of ids and revisions only (unchanged-entries.ts). The light pass is
 * opened while the link prefetch runs and read ahead until it ends (`besidePrefetch`), where the run could take it:
 * a full recon of a source that reads lists of ids. `open` closes it when the links turn out to carry no stamps (a
 * first recon, or links only implicit sync made): the pages read ahead are then thrown away, at most
 * LIGHT_PAGES_AHEAD of them, once.
 */
export class SourceOpening {
  private lightAhead: Promise<OpenedSource> | null = null;

  constructor(
    private readonly mapping: Mapping,
    private readonly set: ObjectSet,
    private readonly sourceIds: readonly string[] | undefined,
  ) {}

  /** The prefetch's result, the light pass opened beside it; when it fails, that pass is closed first. */
  async besidePrefetch<T>(prefetching: Promise<T>): Promise<T> {
    if (this.sourceIds === undefined && this.set.readByIds !== undefined) {
      const pages = sourcePages(this.mapping, this.set, 'revisions only');
      const opened = peek(readAheadWhile(pages, prefetching, LIGHT_PAGES_AHEAD));
      // Met when `open` takes it; a failure to open meanwhile must not go unhandled.
      opened.catch(() => undefined);
      this.lightAhead = opened;
    }
    try {
      return await prefetching;
    } catch (error) {
      await this.lightAhead?.then((light) => light.close()).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The source query, its first page read. With unchanged stamps on the links and a source that reads lists of
   * ids, the light first pass, unless its first page shows most entries unsettled (the stamps went stale with an
   * edit of the mapping): then whole entries, as without stamps.
   */
  async open(unchanged: UnchangedEntries | undefined, anyStamped: boolean): Promise<OpenedSource> {
    if (unchanged === undefined) return this.query('plain');
    if (!anyStamped || this.set.readByIds === undefined) {
      if (this.lightAhead !== null) await (await this.lightAhead).close();
      return this.query('with revisions');
    }
    const light = await (this.lightAhead ?? this.query('revisions only'));
    if (light.first === undefined || unchanged.mostlySettled(light.first)) return light;
    await light.close();
    return this.query('with revisions');
  }

  private query(revisions: SourceRevisions): Promise<OpenedSource> {
    const ids = this.sourceIds;
    return peek(ids ? idPages(ids) : sourcePages(this.mapping, this.set, revisions));
  }
}
