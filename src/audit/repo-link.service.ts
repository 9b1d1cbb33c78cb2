import { Injectable } from '@nestjs/common';
import { parseQueryParams } from '../core/crest/query-params.parser';
import type { QueryResult } from '../core/crest/query-request';
import { badRequest, forbidden } from '../core/errors/domain-error';
import { LinkRepository } from '../persistence/link.repository';
import { singleParam, toQueryResult, type QueryParams } from './crest-query.result';

/** The one repository command OpenIDM lets an administrator run over HTTP (openidm-sync-facts.md §7.6). */
const DELETE_MAPPING_LINKS = 'delete-mapping-links';

/** `repo/link` over HTTP: the admin purge of a mapping's links, and links as queryable documents. */
@Injectable()
export class RepoLinkService {
  constructor(private readonly links: LinkRepository) {}

  /** `POST /openidm/repo/link?_action=command&commandId=delete-mapping-links&mapping=<linkType>`. */
  async action(params: QueryParams): Promise<{ deleted: number }> {
    const action = text(params, '_action');
    if (action !== 'command') {
      throw badRequest(`Action '${action ?? ''}' is not supported on repo/link; supported: command`);
    }
    const commandId = text(params, 'commandId');
    if (commandId !== DELETE_MAPPING_LINKS) {
      // OpenIDM's access rules refuse every other repository command over HTTP, even to administrators.
      throw forbidden(`Command '${commandId ?? ''}' is not allowed; allowed: ${DELETE_MAPPING_LINKS}`);
    }
    const mapping = text(params, 'mapping');
    if (mapping === undefined || mapping === '') {
      throw badRequest(`The ${DELETE_MAPPING_LINKS} command needs the 'mapping' parameter`);
    }
    return { deleted: await this.links.deleteOfType(mapping) };
  }

  async query(params: QueryParams): Promise<QueryResult<Record<string, unknown>>> {
    const request = parseQueryParams(params);
    const page = await this.links.query(request);
    return toQueryResult(request, page, (id, rev, doc) =>
      request.idsOnly ? { _id: id, _rev: String(rev) } : { _id: id, _rev: String(rev), ...doc },
    );
  }
}

function text(params: QueryParams, name: string): string | undefined {
  const value = singleParam(params, name);
  if (Array.isArray(value)) throw badRequest(`Parameter ${name} may be given only once`, { parameter: name });
  return value;
}
