/**
 * The operations behind `/openidm/system/<name>/<objectType>`: resolves the connector, turns CREST parameters
 * into connector calls and shapes the replies. The connector already speaks DomainErrors; this layer adds the
 * CREST-level ones (missing parameters, If-None-Match, sorting the server cannot do).
 */
import { Injectable } from '@nestjs/common';
import type { QueryRequest, QueryResult } from '../core/crest/query-request';
import { parseQueryParams, type QueryParams } from '../core/crest/query-params.parser';
import { DomainError, badRequest, preconditionFailed } from '../core/errors/domain-error';
import { isPlainObject } from '../core/json-pointer/json-pointer';
import type { JsonObject } from '../managed/managed-object';
import type { SystemConnector, SystemObject, SystemQueryOptions } from '../connectors/system-connector.port';
import type { ConnectorTestReport } from './connector-descriptor';
import { ConnectorRegistry } from './connector-registry';
import { toSystemPatch } from './system-patch.request';

@Injectable()
export class SystemService {
  constructor(private readonly registry: ConnectorRegistry) {}

  parseQuery(params: QueryParams): QueryRequest {
    return parseQueryParams(params);
  }

  /** One page (`_pageSize` > 0): the cookie names a server-side cursor that holds the LDAP paged search. */
  async queryPage(name: string, type: string, request: QueryRequest): Promise<QueryResult<SystemObject>> {
    const connector = this.registry.get(name);
    const page = await sortingErrors(name, request, () =>
      connector.queryPage(type, {
        ...queryOptions(request),
        pageSize: request.pageSize,
        ...(request.pagedResultsCookie ? { pagedResultsCookie: request.pagedResultsCookie } : {}),
        pagedResultsOffset: request.pagedResultsOffset,
      }),
    );
    return {
      result: page.result,
      resultCount: page.result.length,
      pagedResultsCookie: page.pagedResultsCookie,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    };
  }

  /** Every match, streamed (no `_pageSize`): the caller writes objects out as they arrive. */
  async *queryStream(name: string, type: string, request: QueryRequest): AsyncGenerator<SystemObject> {
    const connector = this.registry.get(name);
    let skip = request.pagedResultsOffset;
    const stream = connector.query(type, queryOptions(request));
    try {
      for await (const object of stream) {
        if (skip > 0) skip--;
        else yield object;
      }
    } catch (error) {
      throw sortingError(name, request, error);
    }
  }

  read(name: string, type: string, id: string, fields: string | undefined): Promise<SystemObject> {
    const names = fields === undefined ? undefined : topLevelFields(this.parseFields(fields));
    return this.registry.get(name).read(type, id, names);
  }

  create(name: string, type: string, body: unknown): Promise<SystemObject> {
    return this.registry.get(name).create(type, objectBody(body));
  }

  /**
   * `PUT` with `If-None-Match: *`: create only. An existing object (or entry at the requested DN) is a 412,
   * not a 409, because the client stated a precondition. A body without `dn` is named by the id in the path.
   */
  async createOnly(name: string, type: string, id: string, body: unknown): Promise<SystemObject> {
    const connector = this.registry.get(name);
    const object = objectBody(body);
    if (await exists(connector, type, id)) throw preconditionFailed(`system/${name}/${type}/${id} exists`);
    try {
      return await connector.create(type, 'dn' in object ? object : { ...object, dn: id });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT')
        throw preconditionFailed(error.message, error.detail);
      throw error;
    }
  }

  update(name: string, type: string, id: string, body: unknown): Promise<SystemObject> {
    return this.registry.get(name).update(type, id, objectBody(body));
  }

  patch(name: string, type: string, id: string, body: unknown): Promise<SystemObject> {
    const connector = this.registry.get(name);
    return connector.patch(type, id, toSystemPatch(body));
  }

  delete(name: string, type: string, id: string): Promise<SystemObject> {
    return this.registry.get(name).delete(type, id);
  }

  authenticate(
    name: string,
    type: string,
    username: string | undefined,
    password: string | undefined,
  ): Promise<{ _id: string }> {
    if (username === undefined || password === undefined)
      throw badRequest('The authenticate action needs the username and password parameters');
    return this.registry.get(name).authenticate(type, username, password);
  }

  /** `POST /openidm/system/<name>?_action=test`: reachability and bind, never throwing for a down server. */
  async test(name: string): Promise<ConnectorTestReport> {
    const { descriptor, connector } = this.registry.entry(name);
    if (!connector) return { ...descriptor, ok: false, error: 'The connector is disabled' };
    const result = await connector.test();
    return result.ok ? { ...descriptor, ok: true } : { ...descriptor, ok: false, error: result.error ?? '' };
  }

  /** `POST /openidm/system?_action=test`: every configured connector, tested concurrently. */
  testAll(): Promise<ConnectorTestReport[]> {
    return Promise.all(this.registry.entries().map((entry) => this.test(entry.descriptor.name)));
  }

  private parseFields(fields: string): QueryRequest['fields'] {
    return parseQueryParams({ _queryFilter: 'true', _fields: fields }).fields;
  }
}

function queryOptions(request: QueryRequest): SystemQueryOptions {
  return {
    filter: request.filter,
    idsOnly: request.idsOnly,
    fields: topLevelFields(request.fields),
    sortKeys: request.sortKeys,
  };
}

/** Connectors return flat objects, so `_fields=/a/b` selects property `a`. */
function topLevelFields(fields: QueryRequest['fields']): string[] {
  return [...new Set(fields.map((pointer) => pointer[0]).filter((f): f is string => f !== undefined))];
}

function objectBody(body: unknown): JsonObject {
  if (!isPlainObject(body)) throw badRequest('The request body must be a JSON object');
  return body as JsonObject;
}

async function exists(connector: SystemConnector, type: string, id: string): Promise<boolean> {
  try {
    await connector.read(type, id, ['_id']);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND' && connector.objectTypes().includes(type))
      return false;
    throw error;
  }
}

/** OpenLDAP without the sssvlv overlay refuses the critical sort control ("unavailable critical extension"). */
function sortingError(name: string, request: QueryRequest, error: unknown): unknown {
  if (request.sortKeys.length > 0 && error instanceof DomainError && error.code === 'NOT_SUPPORTED') {
    return new DomainError(
      'NOT_SUPPORTED',
      `_sortKeys cannot be used on system/${name}: the directory does not support server-side sorting (RFC 2891)`,
      error.detail,
    );
  }
  return error;
}

async function sortingErrors<T>(name: string, request: QueryRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw sortingError(name, request, error);
  }
}
