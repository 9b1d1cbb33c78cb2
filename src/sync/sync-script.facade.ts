import { badRequest, DomainError, notFound } from '../core/errors/domain-error';
import { isPlainObject } from '../core/json-pointer/json-pointer';
import type { JsonObject } from '../core/sync/script';
import type { JsonValue } from '../managed/managed-object';
import type { OpenidmFacade } from '../scripting/script-facade';
import type { FieldCrypto } from '../security/field-crypto';
import type { LooseQueryParams, ObjectSets } from './object-sets';

/** `openidm.action('sync', name, content, params)`: handled by the sync service (performAction, ...). */
export type SyncActionHandler = (
  action: string,
  params: LooseQueryParams,
  content: unknown,
) => Promise<unknown>;

export interface SyncScriptFacadeOptions {
  readonly sets: ObjectSets;
  readonly crypto: FieldCrypto;
  readonly syncAction?: SyncActionHandler;
  /** A dry run: scripts may read and query, every write is refused so that nothing changes. */
  readonly readOnly?: boolean;
}

/**
 * The `openidm` object of sync.json scripts, over the same object sets the engine uses: `managed/...` and
 * `system/...` resources, `sync` actions, and `decrypt` with the project's key.
 */
export class SyncScriptFacade implements OpenidmFacade {
  constructor(private readonly options: SyncScriptFacadeOptions) {}

  async create(resourceName: string, newResourceId: string | null, content: unknown): Promise<unknown> {
    this.refuseInDryRun('create', resourceName);
    const { set, id } = this.options.sets.resolve(resourceName);
    return set.create(newResourceId ?? id, objectOf(content));
  }

  async read(resourceName: string): Promise<unknown> {
    const { set, id } = this.options.sets.resolve(resourceName);
    if (id === undefined) throw badRequest(`openidm.read needs an object id: ${resourceName}`);
    return set.read(id);
  }

  async update(resourceName: string, rev: string | null, value: unknown): Promise<unknown> {
    this.refuseInDryRun('update', resourceName);
    const { set, id } = this.withId(resourceName);
    return set.update(id, objectOf(value), rev ?? undefined);
  }

  async patch(resourceName: string, rev: string | null, value: unknown): Promise<unknown> {
    this.refuseInDryRun('patch', resourceName);
    const { set, id } = this.withId(resourceName);
    return set.patch(id, value, rev ?? undefined);
  }

  async delete(resourceName: string, rev: string | null): Promise<unknown> {
    this.refuseInDryRun('delete', resourceName);
    const { set, id } = this.withId(resourceName);
    const deleted = await set.delete(id, rev ?? undefined);
    if (deleted === null) throw notFound(`Object ${resourceName} not found`);
    return deleted;
  }

  /** OpenIDM's `openidm.query` answers with the CREST query body: `{result: [...], resultCount, ...}`. */
  async query(resourceName: string, params: unknown): Promise<unknown> {
    const set = this.options.sets.get(resourceName);
    const result = await set.query(isPlainObject(params) ? params : {});
    return {
      result,
      resultCount: result.length,
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    };
  }

  async action(
    resourceName: string,
    actionName: string,
    content?: unknown,
    params?: unknown,
  ): Promise<unknown> {
    if (resourceName === 'sync' && this.options.syncAction !== undefined) {
      if (this.options.readOnly && actionName !== 'getLinkedResources')
        this.refuseInDryRun(actionName, 'sync');
      return this.options.syncAction(actionName, isPlainObject(params) ? params : {}, content);
    }
    throw new DomainError(
      'NOT_SUPPORTED',
      `openidm.action('${resourceName}', '${actionName}') is not supported`,
    );
  }

  decrypt(value: unknown): unknown {
    return this.options.crypto.decrypt(value as JsonValue);
  }

  private withId(resourceName: string) {
    const { set, id } = this.options.sets.resolve(resourceName);
    if (id === undefined) throw badRequest(`An object id is needed: ${resourceName}`);
    return { set, id };
  }

  private refuseInDryRun(method: string, resourceName: string): void {
    if (this.options.readOnly) {
      throw new DomainError('FORBIDDEN', `Dry run: openidm.${method}('${resourceName}') was not performed`);
    }
  }
}

function objectOf(value: unknown): JsonObject {
  if (!isPlainObject(value)) throw badRequest('The object must be a JSON object');
  return value;
}
