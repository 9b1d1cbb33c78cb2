import { Injectable } from '@nestjs/common';
import { parseQueryParams } from '../core/crest/query-params.parser';
import type { QueryResult } from '../core/crest/query-request';
import { badRequest, notFound } from '../core/errors/domain-error';
import { toQueryResult, type QueryParams } from '../audit/crest-query.result';
import { ChangeQueueStore } from './change-queue.store';
import type { QueueEntry } from './queued-change';

export type QueueResource = Record<string, unknown> & { _id: string; _rev: string };

/** `sync/queue`: the pending and dead changes of implicit sync, as CREST resources. */
@Injectable()
export class SyncQueueService {
  constructor(private readonly store: ChangeQueueStore) {}

  async query(params: QueryParams): Promise<QueryResult<Record<string, unknown>>> {
    const request = parseQueryParams(params);
    const page = await this.store.query(request);
    return toQueryResult(request, page, (id, rev, doc) =>
      request.idsOnly ? { _id: id, _rev: String(rev) } : { _id: id, _rev: String(rev), ...doc },
    );
  }

  async read(id: string): Promise<QueueResource> {
    const entry = await this.store.read(id);
    if (!entry) throw notFound(`Queued change ${id} not found in sync/queue`);
    return toResource(entry);
  }

  /** `_action=retry`: a dead change becomes pending and due now; a pending one is made due now. */
  async action(id: string, action: string | undefined): Promise<QueueResource> {
    if (action !== 'retry') {
      throw badRequest(`Action '${action ?? ''}' is not supported on sync/queue/${id}; supported: retry`);
    }
    return toResource(await this.store.retry(id));
  }

  async remove(id: string): Promise<QueueResource> {
    return toResource(await this.store.remove(id));
  }
}

/** `seen` and `oldState` stay inside: they are what the delivery compares against, not the change's record. */
function toResource(entry: QueueEntry): QueueResource {
  const { id, version, seen: _seen, oldState: _oldState, ...rest } = entry;
  return { _id: id, _rev: String(version), ...rest };
}
