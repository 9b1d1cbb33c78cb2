import { Injectable } from '@nestjs/common';
import { canonicalDn, parseDn } from '../connectors/ldap/ldap-dn';
import { badRequest, conflict, notFound } from '../core/errors/domain-error';
import type { JsonObject } from '../core/sync/script';
import type { ManagedResource } from '../managed/managed.service';
import { ObjectSets } from '../sync/object-sets';
import { LdapLinkLocator, MANAGED_USERS } from './ldap-link.locator';

export type RelinkedUser = ManagedResource & { ldap_dn: string };

/**
 * `PATCH managed/user/<id>/ldap/mapping {"ldap_dn": …}`: points the user's link (shared by the mapping pair) at
 * the entry with that DN. The link's LDAP side is the entry's `_id` as the connector exposes it (entryUUID in the
 * sample), never the DN: a rename must not break the link.
 */
@Injectable()
export class UserLdapMappingService {
  constructor(
    private readonly locator: LdapLinkLocator,
    private readonly sets: ObjectSets,
  ) {}

  async relink(userId: string, body: unknown): Promise<RelinkedUser> {
    const dn = requestedDn(body);
    const user = await this.locator.user(userId);
    const { mapping, links, qualifier, link } = await this.locator.linkOf(userId);
    const entry = await this.entryAt(mapping.source, dn);
    const entryId = String(entry._id);
    const taken = await links.forSource(qualifier, entryId);
    if (taken !== null && links.targetOf(taken) !== links.normaliseTarget(userId)) {
      throw conflict(`The LDAP entry ${dn} is already linked to ${MANAGED_USERS}/${links.targetOf(taken)}`, {
        ldap_dn: dn,
        mapping: mapping.name,
      });
    }
    if (link === null) await links.create(qualifier, entryId, userId);
    else if (taken === null) await links.repoint(link, entryId, userId);
    return { ...user, ldap_dn: typeof entry.dn === 'string' ? entry.dn : dn };
  }

  /** The one entry whose DN is `dn` (the connector's `dn` property, OpenLDAP's `entryDN`); 404 when none. */
  private async entryAt(source: string, dn: string): Promise<JsonObject> {
    const literal = dn.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const [entry] = await this.sets.get(source).query({ _queryFilter: `dn eq "${literal}"` });
    if (entry === undefined) throw notFound(`There is no LDAP entry ${dn} in ${source}`, { ldap_dn: dn });
    return entry;
  }
}

/** `ldap_dn` as a well-formed, non-empty DN in its canonical form; 400 otherwise. */
function requestedDn(body: unknown): string {
  const value =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).ldap_dn
      : undefined;
  if (typeof value !== 'string') {
    throw badRequest('The body must be a JSON object with the string property ldap_dn', { field: 'ldap_dn' });
  }
  if (parseDn(value).length === 0) throw badRequest('ldap_dn must not be empty', { field: 'ldap_dn' });
  return canonicalDn(value);
}
