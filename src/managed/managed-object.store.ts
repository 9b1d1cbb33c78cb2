import type { QueryRequest } from '../core/crest/query-request';
import type { SqlExecutor } from '../persistence/sql-database';
import type { TextRow } from '../persistence/text-row';
import type { JsonObject, StoredObject } from './managed-object';

/** Per-type hints the store uses to build index-friendly SQL: which top-level properties are searchable scalars. */
export interface ObjectTypeIndexing {
  readonly objectType: string;
  /** Declared `searchable` properties with their managed.json type (`string`, `number`, `boolean`, `array`, ...). */
  readonly searchable: ReadonlyMap<string, string>;
  /** Properties whose values must be unique within the type (`userName`); enforced by a unique index. */
  readonly unique: readonly string[];
}

export interface StoreQueryPage {
  readonly objects: StoredObject[];
  /** Opaque cookie for the next page, null on the last one. */
  readonly nextCookie: string | null;
  /** Exact or estimated total when asked for, else -1. */
  readonly total: number;
}

/** An object's id and version (ManagedObjectStore.versionPage). */
export interface ObjectVersion {
  readonly id: string;
  readonly version: string;
}

/**
 * Port: where managed objects live. The PostgreSQL/PGlite adapter is persistence/managed-object.repository.ts.
 * Revisions are compared and bumped inside the store so that a stale revision can never overwrite a newer one.
 */
export abstract class ManagedObjectStore {
  /** Inserts; throws PRECONDITION_FAILED (CREST's answer to a create on an existing id) when the id exists. */
  abstract create(objectType: string, id: string, doc: JsonObject): Promise<StoredObject>;
  abstract read(objectType: string, id: string): Promise<StoredObject | null>;
  /** The objects among `ids` that exist, in no particular order (one query however many ids). */
  abstract readMany(objectType: string, ids: readonly string[]): Promise<StoredObject[]>;
  /** Up to `limit` ids of the type after `afterId` (null: from the start), in id order: id sets without documents. */
  abstract idPage(objectType: string, afterId: string | null, limit: number): Promise<string[]>;
  /**
   * As idPage, with each object's version: text that every write of the object changes and that an object
   * deleted and created again under the same id never repeats (recon's unchanged stamps).
   */
  abstract versionPage(objectType: string, afterId: string | null, limit: number): Promise<ObjectVersion[]>;

  /** Every id of the type in pages of `pageSize`, in no particular order (recon's target id set). */
  idPages(objectType: string, pageSize: number): AsyncIterable<string[]> {
    return keysetPages(
      pageSize,
      (after) => this.idPage(objectType, after, pageSize),
      (id) => id,
    );
  }

  /**
   * As idPages, each id as the first column of a TextRow whose second is empty (the rows of eachVersionRow,
   * without versions). Resolves false, having read nothing, where the store cannot stream rows so.
   */
  eachIdRow(_objectType: string, _onRow: (row: TextRow) => void): Promise<boolean> {
    return Promise.resolve(false);
  }

  /**
   * As versionPages, each object as a TextRow of its id and version, without an object per row. Resolves false,
   * having read nothing, where the store cannot stream rows so (the caller then reads versionPages).
   */
  eachVersionRow(_objectType: string, _onRow: (row: TextRow) => void): Promise<boolean> {
    return Promise.resolve(false);
  }

  /**
   * The links of `linkType` joined with the versions of the objects of the type they point at (`second_id`) under
   * `qualifier`, and the objects no such link points at, in one snapshot, as TextRows of LINKED_VERSION_ROW_COLUMNS
   * (recon's prefetch, link-access.ts). Resolves false, having read nothing, where the store cannot stream rows so.
   */
  eachVersionRowWithLinks(
    _objectType: string,
    _linkType: string,
    _qualifier: string,
    _onRow: (row: TextRow) => void,
  ): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** As idPages, each id with its object's version (recon's unchanged stamps). */
  versionPages(objectType: string, pageSize: number): AsyncIterable<ObjectVersion[]> {
    return keysetPages(
      pageSize,
      (after) => this.versionPage(objectType, after, pageSize),
      (entry) => entry.id,
    );
  }

  /**
   * Inserts every row in one statement, all or nothing (each StoredObject with its `version`): an id that exists throws PRECONDITION_FAILED naming
   * it, a unique property already taken throws the UNIQUE policy failure. `tx` (an open transaction of the
   * SQL adapter) lets the rows commit together with other writes, e.g. recon's links.
   */
  abstract createMany(
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject }[],
    tx?: SqlExecutor,
  ): Promise<StoredObject[]>;
  /**
   * Replaces every row's document where its current revision is still its `expectedRev`, in statements of many
   * rows, all or nothing: a row changed or deleted since it was read throws PRECONDITION_FAILED naming it, a
   * unique property taken throws the UNIQUE policy failure. An id may appear once per call. Each StoredObject
   * returned has its new revision and `version`, in the order given. `tx` lets the rows commit with other writes.
   */
  abstract updateMany(
    objectType: string,
    rows: readonly { readonly id: string; readonly doc: JsonObject; readonly expectedRev: number }[],
    tx?: SqlExecutor,
  ): Promise<StoredObject[]>;
  /** Replaces the document when the current revision equals `expectedRev` (or always when undefined); bumps rev. */
  abstract update(
    objectType: string,
    id: string,
    doc: JsonObject,
    expectedRev?: number,
  ): Promise<StoredObject>;
  /** Deletes when the current revision equals `expectedRev` (or always when undefined); returns what was deleted. */
  abstract delete(objectType: string, id: string, expectedRev?: number): Promise<StoredObject>;
  abstract query(objectType: string, request: QueryRequest): Promise<StoreQueryPage>;
  /** Ensures indexes exist for the searchable properties declared in managed.json. */
  abstract ensureIndexes(indexing: readonly ObjectTypeIndexing[]): Promise<void>;
}

/** Pages of `pageSize` after the last page's last id, until a short page (a store's keyset reads). */
async function* keysetPages<T>(
  pageSize: number,
  page: (after: string | null) => Promise<T[]>,
  idOf: (item: T) => string,
): AsyncIterable<T[]> {
  let after: string | null = null;
  for (;;) {
    const items = await page(after);
    if (items.length > 0) yield items;
    if (items.length < pageSize) return;
    after = idOf(items[items.length - 1] as T);
  }
}
