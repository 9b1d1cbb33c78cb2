import { Injectable, Optional } from '@nestjs/common';
import { ActivityRecorder } from '../audit/activity.recorder';
import { badRequest } from '../core/errors/domain-error';
import {
  applyDefaults,
  policyError,
  stripPrivate,
  validateObject,
  type ManagedTypeSchema,
} from '../core/managed/managed-schema';
import type { SqlExecutor } from '../persistence/sql-database';
import { FieldCrypto } from '../security/field-crypto';
import { ManagedChangeRecorder, type WriteOrigin } from '../sync-queue/managed-change.recorder';
import { IdGenerator } from './id-generator';
import type { JsonObject, StoredObject } from './managed-object';
import { ManagedObjectStore, type ObjectVersion } from './managed-object.store';
import { ManagedTypes } from './managed-types';
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

/**
 * Managed-object writes in batches, with ManagedService's semantics per object: ids as create gives them,
 * schema defaults, policy validation and encryption (the same core functions). Split in two steps so that a
 * caller can attribute a policy failure to its own entry (`prepareCreate` throws for that entry only) and
 * then insert the rest together, in its own transaction with other rows (recon's links). A failed batch
 * insert says nothing about which row was wrong: the caller retries those entries one by one
 * (ManagedService.create) to attribute it.
 *
 * Implicit sync: as ManagedService records each change in its write's transaction, a batch records the
 * changes of its creates in the batch's transaction (ManagedChangeRecorder.recordCreates), in one statement,
 * and none for the objects whose implicit sync is known to change nothing (see `PreparedCreate.origin`).
 */
@Injectable()
export class ManagedBulkService {
  /**
   * The versions of the objects insertPrepared returned, by object: a side table, so that what it returns stays
   * the resources clients see, and a version lives as long as the object it belongs to.
   */
  private readonly createdVersions = new WeakMap<object, string>();

  constructor(
    private readonly store: ManagedObjectStore,
    private readonly types: ManagedTypes,
    private readonly crypto: FieldCrypto,
    private readonly ids: IdGenerator,
    @Optional() private readonly changes?: ManagedChangeRecorder,
    @Optional() private readonly activity?: ActivityRecorder,
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
    if (this.changes === undefined) return insert(tx);
    return this.changes.recordCreates(
      `managed/${type}`,
      async (executor) => {
        const created = await insert(executor);
        return {
          result: created,
          created: created.map((object, index) => {
            const origin = prepared[index]?.origin;
            return { id: object._id, object, ...(origin === undefined ? {} : { origin }) };
          }),
        };
      },
      tx,
    );
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
    for (const object of await this.store.readMany(type, ids))
      found.set(object.id, toResource(schema, object));
    return found;
  }
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
