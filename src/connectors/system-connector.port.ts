/**
 * Port: a connected system (`/openidm/system/<name>/<objectType>`) as the REST layer, reconciliation and live sync
 * see it. The LDAP adapter is connectors/ldap/ldap.connector.ts. Objects are plain JSON with `_id`; errors are
 * DomainErrors (NOT_FOUND, CONFLICT, BAD_REQUEST, FORBIDDEN, UNAVAILABLE, …).
 */
import type { SortKey } from '../core/crest/query-request';
import type { QueryFilter } from '../core/query-filter/query-filter.ast';
import { DomainError } from '../core/errors/domain-error';
import type { JsonObject, JsonValue } from '../managed/managed-object';

/** An object of a connected system: its properties under their IDM names, plus `_id`. */
export type SystemObject = JsonObject & { _id: string };

export interface SystemQueryOptions {
  readonly filter: QueryFilter;
  /** `_queryId=query-all-ids`: only `_id` and the name (`dn`). */
  readonly idsOnly?: boolean;
  /** Top-level property names to return; empty or absent = every readable, returned-by-default property. */
  readonly fields?: readonly string[];
  readonly sortKeys?: readonly SortKey[];
}

export interface SystemPageOptions extends SystemQueryOptions {
  /** Objects per page (>= 1). */
  readonly pageSize: number;
  /** The `pagedResultsCookie` of the previous page; absent for the first page. */
  readonly pagedResultsCookie?: string;
  /** Objects to skip before the first page (CREST `_pagedResultsOffset`); ignored with a cookie. */
  readonly pagedResultsOffset?: number;
}

export interface SystemQueryPage {
  readonly result: SystemObject[];
  /** Null on the last page. */
  readonly pagedResultsCookie: string | null;
}

export interface SystemPatchOperation {
  readonly operation: 'add' | 'remove' | 'replace' | 'increment';
  /** `/mail`, `mail` or `/ldapGroups/-` (append). */
  readonly field: string;
  readonly value?: JsonValue;
}

export type SyncDeltaType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface SyncDelta {
  readonly type: SyncDeltaType;
  /** The object's id (`_id`). */
  readonly id: string;
  /** The id before a rename when the id changed with it (`uidAttribute: dn`). */
  readonly previousId?: string;
  /** The object as it is now; null for DELETE or when it vanished since. */
  readonly object: SystemObject | null;
  /** The token after this delta: store it once the delta is handled. */
  readonly token: string;
}

export interface SyncBatch {
  readonly deltas: SyncDelta[];
  /** The token to pass next time (the last delta's, or the latest one when there were none). */
  readonly token: string | null;
  /** True when more changes are waiting beyond `maxChanges`. */
  readonly hasMore: boolean;
}

export interface TestResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why the test failed (no credentials in it). */
  readonly error?: string;
}

export interface ReadOptions {
  /**
   * The object as this connector's own last write of it left it may stand in for a read of the system: no
   * round trip, but unconfirmed (`isUnconfirmed`) — someone may have changed it since. Only for a caller that
   * writes through `update` with the object as `current`, which checks it and throws StaleReadError when it no
   * longer holds, and that reads it again (without this option) before trusting that nothing differs.
   */
  readonly lastWritten?: boolean;
}

/**
 * An update planned from an unconfirmed object (ReadOptions.lastWritten) found the object changed, renamed or
 * gone since: nothing was written, the connector no longer remembers it, and the caller plans again from a read.
 */
export class StaleReadError extends DomainError {
  constructor(message: string, detail?: Record<string, unknown>) {
    super('CONFLICT', message, detail);
    this.name = 'StaleReadError';
  }
}

export interface UpdateOptions {
  /** False: resolve to `{ _id }` without reading the stored object back. Default true. */
  readonly readBack?: boolean;
  /**
   * The object as this connector's `read` returned it (moments ago, or stored since: a queued change's basis),
   * from which the caller planned this update. A connector may compare against what that read found instead of
   * reading the object again (it recognises its own result by identity); when it reads again, a property the
   * update gives as `current` had it means "no change here" and is left as the object has it now.
   */
  readonly current?: object;
  /**
   * The object as the source's state before the change being synced maps it (implicit sync of an update):
   * a property the update gives as this has it is one the change did not change, and is left as the object
   * has it now — a different value there is an edit made on this side, which live sync brings back.
   */
  readonly basis?: object;
}

export abstract class SystemConnector {
  /** `system/<name>`. */
  abstract readonly name: string;
  abstract objectTypes(): string[];
  /** Streams every matching object; the caller may stop early (`break`), which releases the connection. */
  abstract query(objectType: string, options: SystemQueryOptions): AsyncIterable<SystemObject>;
  /**
   * The same stream a page at a time, as the system returns them (recon: a promise per page rather than
   * several per object).
   */
  abstract queryPages(
    objectType: string,
    options: SystemQueryOptions,
  ): AsyncIterable<readonly SystemObject[]>;
  /** One page of a query, for REST paging. */
  abstract queryPage(objectType: string, options: SystemPageOptions): Promise<SystemQueryPage>;
  /**
   * Text that changes whenever the configuration changes what this connector makes of an entry of the type as
   * stored (which attribute a property reads, its type, its flags): recon's unchanged stamps include it.
   */
  abstract objectShape(objectType: string): string;
  /** NOT_FOUND when absent. `fields` restricts the returned properties. */
  abstract read(
    objectType: string,
    id: string,
    fields?: readonly string[],
    options?: ReadOptions,
  ): Promise<SystemObject>;
  /** Whether `object` is one `read` took from memory (ReadOptions.lastWritten) rather than from the system. */
  isUnconfirmed(_object: object): boolean {
    return false;
  }
  abstract create(objectType: string, object: JsonObject): Promise<SystemObject>;
  /**
   * Full replace: properties absent from `object` are removed; a changed `dn` renames the entry. Resolves to
   * the object as stored (read back), or with `readBack: false` to just its `_id` after the update, for
   * callers that do not look at the result (one search less).
   */
  abstract update(
    objectType: string,
    id: string,
    object: JsonObject,
    options?: UpdateOptions,
  ): Promise<SystemObject>;
  abstract patch(
    objectType: string,
    id: string,
    operations: readonly SystemPatchOperation[],
  ): Promise<SystemObject>;
  /** Returns the object as it was before deletion. */
  abstract delete(objectType: string, id: string): Promise<SystemObject>;
  /** Reachability and bind with the configured credentials. */
  abstract test(): Promise<TestResult>;
  /** Resolves `username` by the configured user-name attributes and binds as it; UNAUTHORIZED on failure. */
  abstract authenticate(objectType: string, username: string, password: string): Promise<{ _id: string }>;
  /** Changes since `token`; with a null token, no deltas and the latest token (OpenIDM's first live sync). */
  abstract sync(
    objectType: string,
    token: string | null,
    options?: { maxChanges?: number },
  ): Promise<SyncBatch>;
  /** Closes every connection. */
  abstract close(): Promise<void>;
}
