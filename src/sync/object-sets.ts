import { Injectable } from '@nestjs/common';
import type { ReadOptions, SystemConnector, UpdateOptions } from '../connectors/system-connector.port';
import { parseQueryParams } from '../core/crest/query-params.parser';
import type { QueryRequest } from '../core/crest/query-request';
import type { QueryFilter } from '../core/query-filter/query-filter.ast';
import { badRequest, DomainError, notFound } from '../core/errors/domain-error';
import type { JsonObject } from '../core/sync/script';
import type { JsonObject as ManagedJson } from '../managed/managed-object';
import {
  ManagedBulkService,
  type PreparedCreate,
  type PreparedUpdate,
} from '../managed/managed-bulk.service';
import type { ObjectVersion } from '../managed/managed-object.store';
import { ManagedService } from '../managed/managed.service';
import type { SqlExecutor } from '../persistence/sql-database';
import type { TextRow } from '../persistence/text-row';
import { ConnectorRegistry } from '../system/connector-registry';
import { toSystemPatch } from '../system/system-patch.request';
import { withDeferredDelivery } from '../sync-queue/delivery-context';

/** Query parameters as sync.json and scripts give them: values may be numbers or booleans. */
export type LooseQueryParams = Readonly<Record<string, unknown>>;

/**
 * One object set the sync engine reads and writes (`managed/user`, `system/ldap/account`), whatever is
 * behind it. Ids are local (unqualified). Reads of absent objects resolve to null, deletes of absent
 * objects too ("forgiving" delete, §2.5).
 */
export interface ObjectSet {
  readonly path: string;
  /** `options.lastWritten`: a directory may answer from its own last write (ReadOptions), unconfirmed. */
  read(id: string, options?: ReadOptions): Promise<JsonObject | null>;
  /** Whether `object` came from such a memory, not from the system: it must be read again before it is trusted. */
  isUnconfirmed?(object: object): boolean;
  /** Every match as one array (correlation queries, scripts). */
  query(params: LooseQueryParams): Promise<JsonObject[]>;
  /** Every match streamed in pages (none empty); `pageSize` bounds what is held at once. */
  streamPages(params: LooseQueryParams, pageSize: number): AsyncIterable<readonly JsonObject[]>;
  create(id: string | undefined, object: JsonObject): Promise<JsonObject>;
  /**
   * Full replace; `rev` is checked when given (412 on a concurrent change). Resolves to the object as stored;
   * with `readBack: false` a directory may resolve to just `{ _id }` (UpdateOptions).
   */
  update(
    id: string,
    object: JsonObject,
    rev: string | undefined,
    options?: UpdateOptions,
  ): Promise<JsonObject>;
  patch(id: string, operations: unknown, rev: string | undefined): Promise<JsonObject>;
  delete(id: string, rev: string | undefined): Promise<JsonObject | null>;
  /** The existing objects among `ids`, by id, in one query (recon reads a chunk's linked targets so). */
  readMany?(ids: readonly string[]): Promise<Map<string, JsonObject>>;
  /**
   * The objects among `ids` with only `fields`, by id, in one query (recon's entries that a light first pass
   * did not settle, unchanged-entries.ts); absent where reading by a list of ids is not one query.
   */
  readByIds?(ids: readonly string[], fields: readonly string[]): Promise<Map<string, JsonObject>>;
  /** Every id of the set in pages, without the objects (recon's target id set); absent for directories. */
  streamIdPages?(pageSize: number): AsyncIterable<readonly string[]>;
  /**
   * The same ids as TextRows (id, then an empty column), without a string per id; resolves false, having read
   * nothing, where the set cannot (then streamIdPages serves).
   */
  eachIdRow?(onRow: (row: TextRow) => void): Promise<boolean>;
  /** Creates in batches that join a transaction; absent where every create is its own call (directories). */
  readonly bulk?: BulkCreates;
  /** Updates in batches that join a transaction, of objects `readMany` returned; absent for directories. */
  readonly bulkUpdates?: BulkUpdates;
  /** Object versions for recon's unchanged stamps; absent where the set has none (directories). */
  readonly versions?: ObjectVersions;
  /**
   * True when an object's `_rev` (where `_fields` asks for it and the system has one) is never given to another
   * state of it, not even after a delete and a create under the same id: recon's unchanged stamps take it as
   * the source's revision. Managed revisions start again at 1, so they are not.
   */
  readonly revisionsIdentifyStates?: boolean;
  /**
   * Text that changes whenever the configuration changes what reads of this set return for objects as stored
   * (recon's unchanged stamps include it: a stamp says nothing once the objects are read differently).
   */
  readShape(): string;
}

/** Versions that every write of an object changes (core/sync/unchanged-stamp.ts). */
export interface ObjectVersions {
  /** Every object's id and version in pages (recon's target id set). */
  streamPages(pageSize: number): AsyncIterable<readonly ObjectVersion[]>;
  /** The same as TextRows of id and version; resolves false, having read nothing, where the set cannot. */
  eachRow(onRow: (row: TextRow) => void): Promise<boolean>;
  /**
   * The links of a type under a qualifier, each with the version of the object of this set it points at, and the
   * objects no such link points at, as TextRows of LINKED_VERSION_ROW_COLUMNS (ports/link.store.ts), in one
   * snapshot; resolves false, having read nothing, where the set cannot.
   */
  eachRowWithLinks?(
    link: { readonly type: string; readonly qualifier: string },
    onRow: (row: TextRow) => void,
  ): Promise<boolean>;
  /** The version of an object `bulk.insert` returned; undefined if the insert did not say. */
  ofCreated(created: JsonObject): string | undefined;
}

/** Batched creates: `prepare` checks one object as `create` would (and throws what it would throw). */
export interface BulkCreates {
  prepare(id: string | undefined, object: JsonObject): PreparedCreate;
  /** All or nothing, inside `tx`; the created objects in the order given. */
  insert(prepared: readonly PreparedCreate[], tx: SqlExecutor): Promise<JsonObject[]>;
}

/**
 * Batched updates. `prepare` checks an update of `existing` (as `readMany` returned it) as `update` would, and
 * throws what it would throw; it returns null when the update would store nothing new, undefined when it
 * cannot be batched (`existing` came from elsewhere: update it alone).
 */
export interface BulkUpdates {
  prepare(existing: JsonObject, object: JsonObject): PreparedUpdate | null | undefined;
  /** All or nothing, inside `tx`; the updated objects in the order given. */
  update(prepared: readonly PreparedUpdate[], tx: SqlExecutor): Promise<JsonObject[]>;
  /** Once `tx` has committed (logins cached with the old state are forgotten). */
  committed(prepared: readonly PreparedUpdate[]): void;
}

/** CREST query parameters are strings on the wire; sync.json may hold `_pageSize: 1000` or booleans. */
export function toQueryParams(params: LooseQueryParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    out[key] =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  }
  return out;
}

const isNotFound = (error: unknown): boolean => error instanceof DomainError && error.code === 'NOT_FOUND';

class ManagedObjectSet implements ObjectSet {
  readonly bulk: BulkCreates;
  readonly bulkUpdates: BulkUpdates;
  readonly versions: ObjectVersions;

  constructor(
    readonly path: string,
    private readonly type: string,
    private readonly managed: ManagedService,
    private readonly batches: ManagedBulkService,
  ) {
    this.bulk = {
      prepare: (id, object) => batches.prepareCreate(type, id, object as ManagedJson),
      insert: (prepared, tx) => batches.insertPrepared(type, prepared, tx),
    };
    this.bulkUpdates = {
      prepare: (existing, object) => batches.prepareUpdate(type, existing, object as ManagedJson),
      update: (prepared, tx) => batches.updatePrepared(type, prepared, tx),
      committed: (prepared) => batches.committedUpdates(type, prepared),
    };
    this.versions = {
      streamPages: (pageSize) => batches.streamVersionPages(type, pageSize),
      eachRow: (onRow) => batches.eachVersionRow(type, onRow),
      eachRowWithLinks: (link, onRow) => batches.eachVersionRowWithLinks(type, link, onRow),
      ofCreated: (created) => batches.createdVersion(created),
    };
  }

  readMany(ids: readonly string[]): Promise<Map<string, JsonObject>> {
    return this.batches.readMany(this.type, ids);
  }

  readShape(): string {
    return this.batches.readShape(this.type);
  }

  streamIdPages(pageSize: number): AsyncIterable<readonly string[]> {
    return this.batches.streamIdPages(this.type, pageSize);
  }

  eachIdRow(onRow: (row: TextRow) => void): Promise<boolean> {
    return this.batches.eachIdRow(this.type, onRow);
  }

  async read(id: string): Promise<JsonObject | null> {
    try {
      return await this.managed.read(this.type, id, undefined);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async query(params: LooseQueryParams): Promise<JsonObject[]> {
    return (await this.managed.query(this.type, { ...toQueryParams(params) })).result;
  }

  /** Keyset pages of `pageSize` (the store's cookie), so 10^6 objects never sit in memory at once. */
  async *streamPages(params: LooseQueryParams, pageSize: number): AsyncIterable<readonly JsonObject[]> {
    let cookie: string | null = null;
    do {
      const page = await this.managed.query(this.type, {
        ...toQueryParams(params),
        _pageSize: String(pageSize),
        ...(cookie === null ? {} : { _pagedResultsCookie: cookie }),
      });
      if (page.result.length > 0) yield page.result;
      cookie = page.pagedResultsCookie;
    } while (cookie !== null);
  }

  // The engine's own writes: implicit sync of them waits for the link the engine writes next (pending LINK, §5.4).
  create(id: string | undefined, object: JsonObject): Promise<JsonObject> {
    return withDeferredDelivery(() => this.managed.create(this.type, id, object));
  }

  update(id: string, object: JsonObject, rev: string | undefined): Promise<JsonObject> {
    return withDeferredDelivery(() => this.managed.update(this.type, id, object, revisionCondition(rev)));
  }

  patch(id: string, operations: unknown, rev: string | undefined): Promise<JsonObject> {
    return this.managed.patch(this.type, id, operations, revisionCondition(rev));
  }

  async delete(id: string, rev: string | undefined): Promise<JsonObject | null> {
    try {
      return await withDeferredDelivery(() => this.managed.delete(this.type, id, revisionCondition(rev)));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

function revisionCondition(rev: string | undefined) {
  if (rev === undefined) return { kind: 'any' } as const;
  return { kind: 'exact', rev: /^\d{1,15}$/.test(rev) ? Number(rev) : null, text: rev } as const;
}

/** A connected system's object type. Directories have no revisions: `rev` is not checked. */
class SystemObjectSet implements ObjectSet {
  /** LDAP's `_rev` is entryCSN (ldap-entry.mapper.ts): a change sequence number, new for every change. */
  readonly revisionsIdentifyStates = true;

  constructor(
    readonly path: string,
    private readonly type: string,
    private readonly connector: SystemConnector,
  ) {}

  readShape(): string {
    return this.connector.objectShape(this.type);
  }

  isUnconfirmed(object: object): boolean {
    return this.connector.isUnconfirmed(object);
  }

  async read(id: string, options?: ReadOptions): Promise<JsonObject | null> {
    try {
      return await this.connector.read(this.type, id, undefined, options);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async query(params: LooseQueryParams): Promise<JsonObject[]> {
    const all: JsonObject[] = [];
    for await (const page of this.streamPages(params)) all.push(...page);
    return all;
  }

  /** One search whose filter names every id (`(|(entryUUID=…)…)`): an indexed lookup per id on the server. */
  async readByIds(ids: readonly string[], fields: readonly string[]): Promise<Map<string, JsonObject>> {
    const found = new Map<string, JsonObject>();
    if (ids.length === 0) return found;
    const filter: QueryFilter = {
      type: 'or',
      filters: ids.map((id) => ({ type: 'comparison', operator: 'eq', field: ['_id'], value: id })),
    };
    for await (const page of this.connector.queryPages(this.type, { filter, fields }))
      for (const object of page) found.set(object._id, object);
    return found;
  }

  /** Pages as the directory sends them (its page size is the connector's `blockSize`). */
  streamPages(params: LooseQueryParams): AsyncIterable<readonly JsonObject[]> {
    const request = systemRequest(params);
    const fields = [...new Set(request.fields.map((p) => p[0]).filter((f): f is string => f !== undefined))];
    return this.connector.queryPages(this.type, {
      filter: request.filter,
      idsOnly: request.idsOnly,
      ...(fields.length > 0 ? { fields } : {}),
      sortKeys: request.sortKeys,
    });
  }

  /** Directories name their objects themselves (`dn`, entryUUID): a requested id is not used. */
  create(_id: string | undefined, object: JsonObject): Promise<JsonObject> {
    return this.connector.create(this.type, withoutMetadata(object));
  }

  update(
    id: string,
    object: JsonObject,
    _rev: string | undefined,
    options?: UpdateOptions,
  ): Promise<JsonObject> {
    return this.connector.update(this.type, id, withoutMetadata(object), options);
  }

  patch(id: string, operations: unknown): Promise<JsonObject> {
    return this.connector.patch(this.type, id, toSystemPatch(operations));
  }

  async delete(id: string): Promise<JsonObject | null> {
    try {
      return await this.connector.delete(this.type, id);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

function systemRequest(params: LooseQueryParams): QueryRequest {
  return parseQueryParams(toQueryParams(params));
}

function withoutMetadata(object: JsonObject): ManagedJson {
  const { _id: _ignoredId, _rev: _ignoredRev, ...rest } = object;
  return rest as ManagedJson;
}

/** `managed/user/42` → the set `managed/user` and id `42`; `system/ldap/account` → no id. */
export interface ResolvedResource {
  readonly set: ObjectSet;
  readonly id: string | undefined;
}

/** Resolves `managed/<type>` and `system/<name>/<type>` paths, with or without a trailing id. */
@Injectable()
export class ObjectSets {
  constructor(
    private readonly managed: ManagedService,
    private readonly connectors: ConnectorRegistry,
    private readonly batches: ManagedBulkService,
  ) {}

  /** The object set at `path` (no id). */
  get(path: string): ObjectSet {
    const resolved = this.resolve(path);
    if (resolved.id !== undefined) throw badRequest(`'${path}' names an object, not an object set`);
    return resolved.set;
  }

  resolve(resourceName: string): ResolvedResource {
    const parts = resourceName.replace(/^\/+|\/+$/g, '').split('/');
    const [root, a, b, c, ...rest] = parts;
    if (root === 'managed' && a !== undefined && a !== '' && c === undefined) {
      return { set: new ManagedObjectSet(`managed/${a}`, a, this.managed, this.batches), id: b };
    }
    if (root === 'system' && a && b && rest.length === 0) {
      const connector = this.connectors.get(a);
      if (!connector.objectTypes().includes(b)) throw notFound(`No object type ${b} on system/${a}`);
      return { set: new SystemObjectSet(`system/${a}/${b}`, b, connector), id: c };
    }
    throw notFound(`Resource '${resourceName}' is not a managed or system object set`);
  }
}

/** The qualified id audit entries and `getLinkedResources` use: `managed/user/<id>`. */
export function qualifiedId(set: string, id: string | null | undefined): string | null {
  return id === null || id === undefined ? null : `${set}/${id}`;
}
