import { isFullEntry } from '../core/sync/correlation';
import { sourceFieldsRead } from '../core/sync/source-fields';
import type { JsonObject } from '../core/sync/script';
import type { Mapping, ReconQuery } from '../core/sync/sync-config.types';
import type { ObjectSet } from './object-sets';
import type { LinkAccess } from './link-access';
import type { LinkedTargets } from './linked-targets';
import { ReconTargets } from './recon-targets';

/** One source entry to reconcile: its id, and the object when the query returned it whole. */
export interface SourceItem {
  readonly id: string;
  readonly object: JsonObject | null;
  /** The object holds its `_id` and `_rev` only: read whole if its stamp does not settle it (unchanged-entries.ts). */
  readonly partial?: boolean;
}

/**
 * What a recon asks the source query for besides the mapping's fields: nothing (`plain`), each entry's
 * revision too, or at first only its id and revision (the entries whose stamp does not settle them are read
 * whole afterwards, UnchangedEntries.complete).
 */
export type SourceRevisions = 'plain' | 'with revisions' | 'revisions only';

const DEFAULT_PAGE = 1_000;

/** The query sync.json gets when it names none: every id of the object set. */
function isDefaultAllIds(query: ReconQuery): boolean {
  const keys = Object.keys(query.params);
  return keys.length === 1 && query.params['_queryId'] === 'query-all-ids';
}

/**
 * The source entries of a query recon, streamed a page at a time (per entry, the layers of streams cost
 * about ten promises each). OpenIDM queries the ids, then reads each object; when
 * the query is the default `query-all-ids` and `sourceQueryFullEntry` is not false, Concord asks for the
 * whole objects in the same query instead, which is the same set read at nearly the same moment without
 * one read per entry; and when nothing but plain property mappings looks at the source, only the fields they
 * read (`_fields`, see source-fields.ts). Otherwise `sourceQueryFullEntry` decides, or each entry is judged by
 * OpenIDM's rule (more than two keys besides `_id`/`_rev` ⇒ full).
 */
export function sourcePages(
  mapping: Mapping,
  set: ObjectSet,
  revisions: SourceRevisions = 'plain',
): AsyncIterable<readonly SourceItem[]> {
  const query = mapping.sourceQuery;
  const upgrade = isDefaultAllIds(query) && mapping.sourceQueryFullEntry !== false;
  const read = upgrade ? sourceFieldsRead(mapping) : null;
  // Recon's unchanged stamps need each source's revision (unchanged-stamp.ts), or at first only that.
  const partial = read !== null && revisions === 'revisions only';
  const fields = read === null || revisions === 'plain' ? read : partial ? ['_rev'] : [...read, '_rev'];
  const params = !upgrade
    ? query.params
    : fields === null
      ? { _queryFilter: 'true' }
      : { _queryFilter: 'true', _fields: fields.length > 0 ? fields.join(',') : '_id' };
  const pageSize = mapping.reconSourceQueryPaging
    ? mapping.reconSourceQueryPageSize || DEFAULT_PAGE
    : DEFAULT_PAGE;
  const full = upgrade || mapping.sourceQueryFullEntry;
  return (async function* () {
    for await (const entries of set.streamPages(params, pageSize)) {
      const items: SourceItem[] = [];
      for (const entry of entries) {
        const id = entry['_id'];
        if (typeof id !== 'string') continue;
        const whole = full === undefined ? isFullEntry(entry) : full;
        items.push(partial ? { id, object: entry, partial } : { id, object: whole ? entry : null });
      }
      if (items.length > 0) yield items;
    }
  })();
}

/** reconById: the given ids (one page), each read when its turn comes. */
export async function* idPages(ids: readonly string[]): AsyncIterable<readonly SourceItem[]> {
  if (ids.length > 0) yield ids.map((id) => ({ id, object: null }));
}

/** Target ids per page: small pages keep fewer rows alive while they are packed (link-access.ts, PREFETCH_PAGE). */
const TARGET_ID_PAGE = 2_000;

/**
 * The target ids of a recon's target phase, normalised → as stored; never whole objects (memory stays flat).
 * With `withVersions`, and a target set that has versions, each id's version too (unchanged-stamp.ts).
 * `idsAsStored`: `normalise` leaves every id as it is (case-sensitive ids), so rows the set streams
 * (ObjectVersions.eachRow, ObjectSet.eachIdRow) can be packed without a string made per id.
 */
export async function targetIdSet(
  mapping: Mapping,
  set: ObjectSet,
  normalise: (id: string) => string,
  withVersions = false,
  idsAsStored = false,
): Promise<ReconTargets> {
  const query = mapping.targetQuery;
  const ids = new ReconTargets();
  if (isDefaultAllIds(query) && withVersions && set.versions !== undefined) {
    if (idsAsStored && (await set.versions.eachRow((row) => ids.addRow(row)))) return ids;
    for await (const page of set.versions.streamPages(TARGET_ID_PAGE))
      for (const { id, version } of page) ids.add(normalise(id), id, version);
    return ids;
  }
  if (isDefaultAllIds(query) && set.streamIdPages !== undefined) {
    // Every id, and nothing else: the store reads its primary key instead of pages of whole objects.
    if (idsAsStored && set.eachIdRow !== undefined && (await set.eachIdRow((row) => ids.addRow(row))))
      return ids;
    for await (const page of set.streamIdPages(TARGET_ID_PAGE))
      for (const id of page) ids.add(normalise(id), id);
    return ids;
  }
  for await (const page of set.streamPages(query.params, 5_000)) {
    for (const entry of page) {
      const id = entry['_id'];
      if (typeof id === 'string') ids.add(normalise(id), id);
    }
  }
  return ids;
}

/**
 * The links and the target ids with versions in one read (LinkAccess.prefetchWithTargets), where the mapping
 * has one link qualifier, compares target ids as stored, queries every target id, and the target set can join
 * its versions to the links; null, having read nothing, otherwise (then `targetIdSet` and `LinkAccess.prefetch`).
 */
export async function linkedTargetIdSet(
  mapping: Mapping,
  set: ObjectSet,
  links: LinkAccess,
): Promise<{ readonly targets: LinkedTargets; readonly links: number } | null> {
  const eachRowWithLinks = set.versions?.eachRowWithLinks?.bind(set.versions);
  const qualifiers = mapping.linkQualifiers;
  if (eachRowWithLinks === undefined || !isDefaultAllIds(mapping.targetQuery) || !links.targetIdsAsStored)
    return null;
  if (qualifiers.kind !== 'static' || qualifiers.names.length !== 1 || mapping.link.reversed) return null;
  const qualifier = qualifiers.names[0] as string;
  return links.prefetchWithTargets(qualifier, (onRow) =>
    eachRowWithLinks({ type: mapping.link.type, qualifier }, onRow),
  );
}

/**
 * Pulls the first item so that emptiness is known before anything else runs; `all` still yields every item,
 * `first` is that item, and `close` ends the query without reading further (when `all` is not used).
 */
export async function peek<T>(items: AsyncIterable<T>): Promise<Peeked<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  const all = (async function* () {
    if (first.done === true) return;
    yield first.value;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  })();
  return {
    empty: first.done === true,
    first: first.done === true ? undefined : first.value,
    all,
    close: async () => void (await iterator.return?.()),
  };
}

export interface Peeked<T> {
  readonly empty: boolean;
  readonly first: T | undefined;
  readonly all: AsyncIterable<T>;
  readonly close: () => Promise<void>;
}
