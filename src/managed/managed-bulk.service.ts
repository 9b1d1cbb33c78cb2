import { Injectable, Optional } from '@nestjs/common';
import { ActivityRecorder } from '../audit/activity.recorder';
import { CredentialCache } from '../auth/credential.cache';
import { badRequest } from '../core/errors/domain-error';
import {
  applyDefaults,
  policyError,
  stripPrivate,
  validateObject,
  type ManagedTypeSchema,
} from '../core/managed/managed-schema';
import type { SqlExecutor } from '../persistence/sql-database';
import type { TextRow } from '../persistence/text-row';
import { FieldCrypto } from '../security/field-crypto';
import {
  ManagedChangeRecorder,
  type WriteOrigin,
  type WrittenObject,
} from '../sync-queue/managed-change.recorder';
import { IdGenerator } from './id-generator';
import type { JsonObject, StoredObject } from './managed-object';
import { ManagedObjectStore, type ObjectVersion } from './managed-object.store';
import { ManagedTypes } from './managed-types';
import { keepingPrivate, sealedChange } from './replacement';
import { sealFields } from './sealed-fields';
import type { ManagedResource } from './managed.service';

/** A create that passed defaults, policy validation and encryption: ready to insert, nothing written yet. */
export interface PreparedCreate {
  readonly type: string;
  readonly id: string;
  /** The document as stored (encrypted fields sealed). */
  readonly doc: JsonObject;
  /** Set by the sync engine: the source entry this object is mapped from (lets implicit sync skip a no-op). */
  readonly origin?: WriteOrigin;
}

/** An update that passed policy validation and encryption and changes what is stored: nothing written yet. */
export interface PreparedUpdate {
  /** The object as the batch's read found it (the revision the write is guarded by, the activity's `before`). */
  readonly before: StoredObject;
  /** The document as it will be stored (encrypted fields sealed). */
  readonly doc: JsonObject;
  /** Set by the sync engine: the source entry this object is mapped from (lets implicit sync skip a no-op). */
  readonly origin?: WriteOrigin;
}

/**
 * Managed-object writes in batches, with ManagedService's semantics per object: ids as create gives them,
 * schema defaults, policy validation and encryption (the same core functions). Split in two steps so that a
 * caller can attribute a policy failure to its own entry (`prepareCreate` throws for that entry only) and
 * then insert the rest together, in its own transaction with other rows (recon's links). A failed batch
 * insert says nothing about which row was wrong: the caller retries those entries one by one
 * (ManagedService.create) to attribute it.
 *
 * Updates likewise (`prepareUpdate`, `updatePrepared`), of objects as `readMany` read them: a batch whose
 * object someone else changed since fails whole, and the caller updates its entries one by one.
 *
 * Implicit sync: as ManagedService records each change in its write's transaction, a batch records the
 * changes of its writes in the batch's transaction (ManagedChangeRecorder.recordBatch), in one statement,
 * and none for the objects whose implicit sync is known to change nothing (see `PreparedCreate.origin`).
 */
@Injectable()
export class ManagedBulkService {
  /**
   * The versions of the objects insertPrepared returned, by object: a side table, so that what it returns stays
   * the resources clients see, and a version lives as long as the object it belongs to.
   */
  private readonly createdVersions = new WeakMap<object, string>();
  /** The stored state behind each resource readMany returned (sealed secrets, revision), for prepareUpdate. */
  private readonly storedStates = new WeakMap<object, StoredObject>();

  constructor(
    private readonly store: ManagedObjectStore,
    private readonly types: ManagedTypes,
    private readonly crypto: FieldCrypto,
    private readonly ids: IdGenerator,
    @Optional() private readonly changes?: ManagedChangeRecorder,
    @Optional() private readonly activity?: ActivityRecorder,
    @Optional() private readonly logins?: CredentialCache,
  ) {}

  /** What ManagedService.create checks and computes before its insert; throws the same errors. */
  prepareCreate(type: string, requestedId: string | undefined, body: JsonObject): PreparedCreate {
    const schema = this.types.get(type);
    const bodyId = typeof body['_id'] === 'string' ? body['_id'] : undefined;
    const id = checkId(requestedId ?? bodyId ?? this.ids.next());
    const { _id: _ignoredId, _rev: _ignoredRev, ...plain } = body;
    const doc = applyDefaults(schema, plain);
    const failures = validateObject(schema, doc);
    if (failures.length > 0) throw policyError(failures);
    return { type, id, doc: sealFields(schema, doc, undefined, this.crypto) };
  }

  /**
   * One multi-row insert of objects of one type, with the record of their changes for implicit sync; all or
   * nothing (see ManagedObjectStore.createMany), inside `tx` when given.
   */
  async insertPrepared(
    type: string,
    prepared: readonly PreparedCreate[],
    tx?: SqlExecutor,
  ): Promise<ManagedResource[]> {
    const schema = this.types.get(type);
    const insert = async (executor?: SqlExecutor): Promise<ManagedResource[]> => {
      const stored = await this.store.createMany(type, prepared, executor);
      const resources = stored.map((object) => toResource(schema, object));
      stored.forEach(({ version }, i) => {
        if (version !== undefined) this.createdVersions.set(resources[i] as ManagedResource, version);
      });
      // audit/activity: the batch's CREATE events in one statement, in the batch's transaction.
      const created = stored.map((after) => ({ operation: 'CREATE' as const, type, before: null, after }));
      await this.activity?.recordMany(created, executor);
      return resources;
    };
    return this.recordedBatch(type, 'create', prepared, insert, tx);
  }

  /**
   * What ManagedService.update checks and computes before its write, for `current` as readMany returned it:
   * private properties the body leaves out kept, policy validation (throws the same errors), encryption. Null
   * when the update would store what is stored (ManagedService writes nothing then either); undefined when
   * `current` is not an object readMany returned, whose stored state this service does not know.
   */
  prepareUpdate(type: string, current: object, body: JsonObject): PreparedUpdate | null | undefined {
    const before = this.storedStates.get(current);
    if (before === undefined) return undefined;
    const schema = this.types.get(type);
    const { _id: _ignoredId, _rev: _ignoredRev, ...input } = body;
    const doc = sealedChange(schema, before, keepingPrivate(schema, before, input, this.crypto), this.crypto);
    return doc === null ? null : { before, doc };
  }

  /**
   * The updates in multi-row statements, each guarded by the revision it was read at, with their activity
   * events and the record of their changes for implicit sync, all or nothing (ManagedObjectStore.updateMany),
   * inside `tx` when given (the caller then calls committedUpdates after its commit). Returns the objects as
   * reads now return them, in the order given.
   */
  async updatePrepared(
    type: string,
    prepared: readonly PreparedUpdate[],
    tx?: SqlExecutor,
  ): Promise<ManagedResource[]> {
    const schema = this.types.get(type);
    const update = async (executor?: SqlExecutor): Promise<ManagedResource[]> => {
      const rows = prepared.map(({ before, doc }) => ({ id: before.id, doc, expectedRev: before.rev }));
      const stored = await this.store.updateMany(type, rows, executor);
      const updated = stored.map((after, i) => ({
        operation: 'UPDATE' as const,
        type,
        before: (prepared[i] as PreparedUpdate).before,
        after,
      }));
      await this.activity?.recordMany(updated, executor);
      return stored.map((object) => toResource(schema, object));
    };
    const written = await this.recordedBatch(type, 'update', prepared, update, tx);
    if (tx === undefined) this.committedUpdates(type, prepared);
    return written;
  }

  /** `write`, with the record of its objects' changes for implicit sync in its transaction (if a recorder is bound). */
  private recordedBatch(
    type: string,
    operation: 'create' | 'update',
    prepared: readonly { readonly origin?: WriteOrigin }[],
    write: (executor?: SqlExecutor) => Promise<ManagedResource[]>,
    tx: SqlExecutor | undefined,
  ): Promise<ManagedResource[]> {
    if (this.changes === undefined) return write(tx);
    return this.changes.recordBatch(
      `managed/${type}`,
      operation,
      async (executor) => {
        const objects = await write(executor);
        return { result: objects, written: withOrigins(objects, prepared) };
      },
      tx,
    );
  }

  /**
   * After the commit of updates written in the caller's transaction: as ManagedService's update, a changed user
   * must not keep logging in with what it had (CredentialCache) — evicted after the commit, not before, so that
   * a login verified in between cannot cache the old state again.
   */
  committedUpdates(type: string, prepared: readonly PreparedUpdate[]): void {
    if (type !== 'user' || this.logins === undefined) return;
    for (const { before } of prepared) {
      const userName = before.doc['userName'];
      if (typeof userName === 'string') this.logins.evictUser(userName);
    }
  }

  /**
   * Every id of the type in pages of `pageSize` (recon's target id set: ids only, never documents). Whole
   * pages, not one id at a time: a stream of single ids cost five promises per id.
   */
  streamIdPages(type: string, pageSize: number): AsyncIterable<readonly string[]> {
    this.types.get(type);
    return this.store.idPages(type, pageSize);
  }

  /** As streamIdPages, each id with its object's version (recon's unchanged stamps). */
  streamVersionPages(type: string, pageSize: number): AsyncIterable<readonly ObjectVersion[]> {
    this.types.get(type);
    return this.store.versionPages(type, pageSize);
  }

  /** As streamIdPages, row by row without a string per id (eachIdRow); false where the store cannot. */
  eachIdRow(type: string, onRow: (row: TextRow) => void): Promise<boolean> {
    this.types.get(type);
    return this.store.eachIdRow(type, onRow);
  }

  /** As streamVersionPages, row by row without an object per row; false where the store cannot. */
  eachVersionRow(type: string, onRow: (row: TextRow) => void): Promise<boolean> {
    this.types.get(type);
    return this.store.eachVersionRow(type, onRow);
  }

  /** ManagedObjectStore.eachVersionRowWithLinks; false where the store cannot. */
  eachVersionRowWithLinks(
    type: string,
    link: { readonly type: string; readonly qualifier: string },
    onRow: (row: TextRow) => void,
  ): Promise<boolean> {
    this.types.get(type);
    return this.store.eachVersionRowWithLinks(type, link.type, link.qualifier, onRow);
  }

  /** What of the type's schema shapes what reads return of a stored object: the properties they leave out. */
  readShape(type: string): string {
    return JSON.stringify({ private: [...this.types.get(type).privateProperties].sort() });
  }

  /** The version of an object insertPrepared returned, as its insert answered (recon's unchanged stamps). */
  createdVersion(created: object): string | undefined {
    return this.createdVersions.get(created);
  }

  /** The existing objects among `ids`, by id, as reads return them (private fields hidden). */
  async readMany(type: string, ids: readonly string[]): Promise<Map<string, ManagedResource>> {
    const schema = this.types.get(type);
    const found = new Map<string, ManagedResource>();
    for (const object of await this.store.readMany(type, ids)) {
      const resource = toResource(schema, object);
      this.storedStates.set(resource, object);
      found.set(object.id, resource);
    }
    return found;
  }
}

/** The batch's written objects with the origin each was prepared with (WrittenObject). */
function withOrigins(
  objects: readonly ManagedResource[],
  prepared: readonly { readonly origin?: WriteOrigin }[],
): WrittenObject[] {
  return objects.map((object, index) => {
    const origin = prepared[index]?.origin;
    return { id: object._id, object, ...(origin === undefined ? {} : { origin }) };
  });
}

function toResource(schema: ManagedTypeSchema, stored: StoredObject): ManagedResource {
  return { _id: stored.id, _rev: String(stored.rev), ...stripPrivate(schema, stored.doc) };
}

/** As ManagedService checks ids: they travel in URL paths and link tables (1-255 characters, no `/`). */
function checkId(id: string): string {
  if (id === '' || id.includes('/') || id.length > 255) {
    throw badRequest(`Invalid object id '${id.slice(0, 300)}': ids are 1-255 characters without '/'`);
  }
  return id;
}
