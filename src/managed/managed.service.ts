import { Injectable, Optional } from '@nestjs/common';
import { ActivityRecorder, type ActivityOperation } from '../audit/activity.recorder';
import { CredentialCache } from '../auth/credential.cache';
import type { QueryResult } from '../core/crest/query-request';
import { parseQueryParams } from '../core/crest/query-params.parser';
import { projectFields } from '../core/crest/resource-projection';
import { toQueryResult } from '../core/crest/query-result';
import type { RevisionCondition } from '../core/crest/revision';
import { badRequest, DomainError, notFound, preconditionFailed } from '../core/errors/domain-error';
import { parsePointer } from '../core/json-pointer/json-pointer';
import {
  applyDefaults,
  policyError,
  stripPrivate,
  validateObject,
  type ManagedTypeSchema,
} from '../core/managed/managed-schema';
import { applyPatch } from '../core/patch/patch.operation';
import type { SqlExecutor } from '../persistence/sql-database';
import { FieldCrypto } from '../security/field-crypto';
import {
  ManagedChangeRecorder,
  type TransactionalManagedWrites,
} from '../sync-queue/managed-change.recorder';
import type { ChangeOperation } from '../sync-queue/queued-change';
import { IdGenerator } from './id-generator';
import type { JsonObject, JsonValue, StoredObject } from './managed-object';
import { ManagedObjectStore } from './managed-object.store';
import { ManagedTypes } from './managed-types';
import { keepingPrivate, sealedChange } from './replacement';
import { sealFields, unsealFields } from './sealed-fields';

export type ManagedResource = { _id: string; _rev: string } & { [key: string]: JsonValue };

/** How many times a PATCH without If-Match is re-applied when another writer got in between (CREST does the same). */
const PATCH_ATTEMPTS = 5;

/**
 * OpenIDM's managed-object semantics over a ManagedObjectStore: defaults and policy validation, encrypted and
 * private fields, revisions, and "an update that changes nothing writes nothing".
 */
@Injectable()
export class ManagedService {
  constructor(
    private readonly store: ManagedObjectStore,
    private readonly types: ManagedTypes,
    private readonly crypto: FieldCrypto,
    private readonly ids: IdGenerator,
    @Optional() private readonly logins?: CredentialCache,
    @Optional() private readonly changes?: ManagedChangeRecorder,
    @Optional() private readonly activity?: ActivityRecorder,
  ) {}

  /** The store's writes with the transaction argument the repository accepts (see TransactionalManagedWrites). */
  private get writes(): TransactionalManagedWrites {
    return this.store;
  }

  async create(type: string, requestedId: string | undefined, body: unknown): Promise<ManagedResource> {
    const schema = this.types.get(type);
    const input = requireObject(body);
    const bodyId = typeof input._id === 'string' ? input._id : undefined;
    const id = checkId(requestedId ?? bodyId ?? this.ids.next());
    const doc = applyDefaults(schema, withoutMetadata(input));
    assertValid(schema, doc);
    const sealed = sealFields(schema, doc, undefined, this.crypto);
    const stored = await this.recorded(schema, type, id, 'CREATE', null, (tx) =>
      this.writes.create(type, id, sealed, tx),
    );
    return toResource(schema, stored);
  }

  async read(type: string, id: string, fields: string | undefined): Promise<ManagedResource> {
    const schema = this.types.get(type);
    const stored = await this.mustRead(type, id);
    return project(toResource(schema, stored), fields);
  }

  /** PUT without preconditions: create when absent, else replace (CREST protocol 2 upsert). */
  async upsert(
    type: string,
    id: string,
    body: unknown,
  ): Promise<{ created: boolean; resource: ManagedResource }> {
    const schema = this.types.get(type);
    const existing = await this.store.read(type, id);
    if (existing) return { created: false, resource: await this.replace(schema, type, existing, body) };
    try {
      return { created: true, resource: await this.create(type, id, body) };
    } catch (error) {
      // Someone created it between our read and insert: fall through to a replace, as the upsert promised.
      if (!(error instanceof DomainError && error.code === 'PRECONDITION_FAILED')) throw error;
    }
    return { created: false, resource: await this.update(type, id, body, { kind: 'any' }) };
  }

  async update(
    type: string,
    id: string,
    body: unknown,
    condition: RevisionCondition,
  ): Promise<ManagedResource> {
    const schema = this.types.get(type);
    requireObject(body);
    const current = await this.mustRead(type, id);
    assertRevision(condition, current);
    return this.replace(schema, type, current, body);
  }

  /** A full replace of `current` (read just before, by update or upsert) by `body`. */
  private replace(
    schema: ManagedTypeSchema,
    type: string,
    current: StoredObject,
    body: unknown,
  ): Promise<ManagedResource> {
    const input = withoutMetadata(requireObject(body));
    return this.write(schema, type, current, keepingPrivate(schema, current, input, this.crypto), 'UPDATE');
  }

  async patch(
    type: string,
    id: string,
    operations: unknown,
    condition: RevisionCondition,
  ): Promise<ManagedResource> {
    const schema = this.types.get(type);
    for (let attempt = 1; ; attempt++) {
      const current = await this.mustRead(type, id);
      assertRevision(condition, current);
      const plain = unsealFields(schema, current.doc, this.crypto);
      const patched = withoutMetadata(applyPatch(plain, operations));
      try {
        return await this.write(schema, type, current, patched, 'PATCH');
      } catch (error) {
        const raced = error instanceof DomainError && error.code === 'PRECONDITION_FAILED';
        if (!raced || condition.kind === 'exact' || attempt >= PATCH_ATTEMPTS) throw error;
      }
    }
  }

  async delete(type: string, id: string, condition: RevisionCondition): Promise<ManagedResource> {
    const schema = this.types.get(type);
    if (condition.kind === 'exact') {
      const current = await this.mustRead(type, id);
      assertRevision(condition, current);
    }
    const expected = condition.kind === 'exact' ? (condition.rev ?? undefined) : undefined;
    const deleted = await this.recorded(schema, type, id, 'DELETE', null, (tx) =>
      this.writes.delete(type, id, expected, tx),
    );
    this.forgetLogins(type, deleted.doc);
    return toResource(schema, deleted);
  }

  async query(
    type: string,
    params: Record<string, string | string[] | undefined>,
  ): Promise<QueryResult<JsonObject>> {
    const schema = this.types.get(type);
    const request = parseQueryParams(params);
    const page = await this.store.query(type, request);
    return toQueryResult<JsonObject>(request, page, (id, rev, doc) =>
      toResource(schema, { id, rev, doc: doc as JsonObject }),
    );
  }

  private async write(
    schema: ManagedTypeSchema,
    type: string,
    current: StoredObject,
    nextPlain: JsonObject,
    activity: 'UPDATE' | 'PATCH',
  ): Promise<ManagedResource> {
    const sealed = sealedChange(schema, current, nextPlain, this.crypto);
    if (sealed === null) return toResource(schema, current);
    const stored = await this.recorded(schema, type, current.id, activity, current, (tx) =>
      this.writes.update(type, current.id, sealed, current.rev, tx),
    );
    this.forgetLogins(type, current.doc);
    return toResource(schema, stored);
  }

  /**
   * Implicit sync's durable hook: the write and the record of its change commit together, then the change
   * is delivered at once, after the commit (sync-queue/). Without a recorder the write stands alone. The
   * write's `audit/activity` event is written on the same executor, right after it (or after the reply,
   * where the recorder defers it).
   */
  private recorded(
    schema: ManagedTypeSchema,
    type: string,
    id: string,
    activity: ActivityOperation,
    before: StoredObject | null,
    write: (tx?: SqlExecutor) => Promise<StoredObject>,
  ): Promise<StoredObject> {
    const deleted = activity === 'DELETE';
    const audited = async (tx?: SqlExecutor): Promise<StoredObject> => {
      const stored = await write(tx);
      const change = deleted ? { before: stored, after: null } : { before, after: stored };
      await this.activity?.record({ operation: activity, type, ...change }, tx);
      return stored;
    };
    const operation: ChangeOperation = deleted ? 'delete' : activity === 'CREATE' ? 'create' : 'update';
    if (!this.changes) return audited();
    // What a read would return now, a copy of its own (the engine's scripts get it, the reply is made after):
    // the delivery after the commit takes it instead of reading the object back.
    const present = (stored: StoredObject): JsonObject => structuredClone(toResource(schema, stored));
    return this.changes.record(`managed/${type}`, id, operation, audited, present, before);
  }

  /**
   * A changed or deleted managed user must not keep logging in with what it had before (old password,
   * inactive account) while a cached login lasts (CredentialCache, 60 s); the next request verifies afresh.
   */
  private forgetLogins(type: string, previous: JsonObject): void {
    if (type === 'user' && typeof previous.userName === 'string') this.logins?.evictUser(previous.userName);
  }

  private async mustRead(type: string, id: string): Promise<StoredObject> {
    const stored = await this.store.read(type, id);
    if (!stored) throw notFound(`Object ${id} not found in managed/${type}`);
    return stored;
  }
}

function toResource(schema: ManagedTypeSchema, stored: StoredObject): ManagedResource {
  return { _id: stored.id, _rev: String(stored.rev), ...stripPrivate(schema, stored.doc) };
}

function project(resource: ManagedResource, fields: string | undefined): ManagedResource {
  if (!fields) return resource;
  const pointers = fields
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '')
    .map(parsePointer);
  return projectFields(resource, pointers) as ManagedResource;
}

function assertValid(schema: ManagedTypeSchema, doc: JsonObject): void {
  const failures = validateObject(schema, doc);
  if (failures.length > 0) throw policyError(failures);
}

function assertRevision(condition: RevisionCondition, current: StoredObject): void {
  if (condition.kind === 'exact' && condition.rev !== current.rev) {
    throw preconditionFailed(
      `Update rejected as current Object revision ${current.rev} is different than expected by caller (${condition.text})`,
    );
  }
}

function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object');
  }
  return body as JsonObject;
}

function withoutMetadata(doc: JsonObject): JsonObject {
  const { _id: _ignoredId, _rev: _ignoredRev, ...rest } = doc;
  return rest;
}

/** Ids travel in URL paths and link tables: non-empty, no `/`, at most 255 characters. */
function checkId(id: string): string {
  if (id === '' || id.includes('/') || id.length > 255) {
    throw badRequest(`Invalid object id '${id.slice(0, 300)}': ids are 1-255 characters without '/'`);
  }
  return id;
}
