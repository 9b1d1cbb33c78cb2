import { parseIfMatch } from '../core/crest/revision';
import { badRequest, DomainError } from '../core/errors/domain-error';
import type { JsonValue } from '../managed/managed-object';
import type { ManagedService } from '../managed/managed.service';
import type { OpenidmFacade } from '../scripting/script-facade';
import type { FieldCrypto } from '../security/field-crypto';

/**
 * The `openidm` object of scheduled scripts: managed objects (`managed/<type>[/<id>]`) through the same
 * service the REST API uses, and `decrypt`. Other resources (system objects, sync actions) are refused
 * with a message saying so, rather than half-served.
 */
export class ScheduledScriptFacade implements OpenidmFacade {
  constructor(
    private readonly managed: ManagedService,
    private readonly crypto: FieldCrypto,
  ) {}

  async create(resourceName: string, newResourceId: string | null, content: unknown): Promise<unknown> {
    const { type, id } = managedPath(resourceName, 'create');
    return this.managed.create(type, newResourceId ?? id, content);
  }

  async read(resourceName: string): Promise<unknown> {
    const { type, id } = managedPath(resourceName, 'read');
    if (id === undefined) throw badRequest(`openidm.read needs an object id: ${resourceName}`);
    try {
      return await this.managed.read(type, id, undefined);
    } catch (error) {
      // OpenIDM's openidm.read answers null for an object that does not exist.
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  async update(resourceName: string, rev: string | null, value: unknown): Promise<unknown> {
    const { type, id } = withId(resourceName, 'update');
    return this.managed.update(type, id, value, parseIfMatch(rev ?? undefined));
  }

  async patch(resourceName: string, rev: string | null, value: unknown): Promise<unknown> {
    const { type, id } = withId(resourceName, 'patch');
    return this.managed.patch(type, id, value, parseIfMatch(rev ?? undefined));
  }

  async delete(resourceName: string, rev: string | null): Promise<unknown> {
    const { type, id } = withId(resourceName, 'delete');
    return this.managed.delete(type, id, parseIfMatch(rev ?? undefined));
  }

  async query(resourceName: string, params: unknown): Promise<unknown> {
    const { type, id } = managedPath(resourceName, 'query');
    if (id !== undefined) throw badRequest(`openidm.query takes a collection, got ${resourceName}`);
    const query: Record<string, string> = {};
    if (typeof params === 'object' && params !== null) {
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null)
          query[key] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    return this.managed.query(type, query);
  }

  action(resourceName: string, actionName: string): Promise<unknown> {
    return Promise.reject(notAvailable(`openidm.action('${resourceName}', '${actionName}')`));
  }

  decrypt(value: unknown): unknown {
    return this.crypto.decrypt(value as JsonValue);
  }
}

function managedPath(resourceName: string, method: string): { type: string; id?: string } {
  const parts = resourceName.replace(/^\/+|\/+$/g, '').split('/');
  if (parts[0] !== 'managed' || parts.length < 2 || parts.length > 3 || parts[1] === '') {
    throw notAvailable(`openidm.${method}('${resourceName}')`);
  }
  return { type: parts[1] ?? '', ...(parts[2] ? { id: parts[2] } : {}) };
}

function withId(resourceName: string, method: string): { type: string; id: string } {
  const { type, id } = managedPath(resourceName, method);
  if (id === undefined) throw badRequest(`openidm.${method} needs an object id: ${resourceName}`);
  return { type, id };
}

function notAvailable(call: string): DomainError {
  return new DomainError(
    'NOT_SUPPORTED',
    `${call} is not available in scheduled scripts yet (they can use managed/... objects and decrypt)`,
  );
}
