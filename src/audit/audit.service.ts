import { Injectable } from '@nestjs/common';
import { parseQueryParams } from '../core/crest/query-params.parser';
import type { QueryResult } from '../core/crest/query-request';
import { badRequest, notFound } from '../core/errors/domain-error';
import { AuditStore, type AuditEvent, type AuditTopic } from '../sync/ports/audit.store';
import { toQueryResult, type QueryParams } from './crest-query.result';

const TOPICS: readonly AuditTopic[] = ['recon', 'sync', 'activity'];

/** `GET /openidm/audit/<topic>` and `/<topic>/<id>` (openidm-sync-facts.md §9) over the AuditStore. */
@Injectable()
export class AuditService {
  constructor(private readonly store: AuditStore) {}

  /** Filter queries only: OpenIDM's audit handlers answer `_queryId` with 400. */
  async query(topicName: string, params: QueryParams): Promise<QueryResult<Record<string, unknown>>> {
    const topic = auditTopic(topicName);
    if (params._queryId !== undefined) {
      throw badRequest(`Query by _queryId is not supported on audit/${topic}; use _queryFilter`);
    }
    const request = parseQueryParams(params);
    const page = await this.store.query(topic, request);
    return toQueryResult(request, page, (id, _rev, doc) => ({ _id: id, ...doc }));
  }

  async read(topicName: string, id: string): Promise<AuditEvent> {
    const topic = auditTopic(topicName);
    const event = await this.store.read(topic, id);
    if (!event) throw notFound(`Audit event ${id} not found in audit/${topic}`, { id });
    return event;
  }
}

/** Concord records the recon, sync and activity topics; any other name is an unknown resource. */
function auditTopic(name: string): AuditTopic {
  const topic = TOPICS.find((known) => known === name);
  if (topic === undefined) throw notFound(`Audit topic '${name}' not found; known: ${TOPICS.join(', ')}`);
  return topic;
}
