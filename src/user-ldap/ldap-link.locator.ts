import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../core/errors/domain-error';
import type { LinkRecord } from '../core/sync/link';
import type { Mapping } from '../core/sync/sync-config.types';
import { ManagedService, type ManagedResource } from '../managed/managed.service';
import { LinkAccess } from '../sync/link-access';
import { LinkStore } from '../sync/ports/link.store';
import { SyncMappings } from '../sync/sync-mappings';

/** The directory side of the per-user endpoints: OpenIDM's sample names it so (sync.json, provisioner file). */
export const LDAP_ACCOUNTS = 'system/ldap/account';
export const MANAGED_USERS = 'managed/user';

/** A managed user's link through the inbound mapping, seen from that mapping. */
export interface UserLdapLink {
  readonly mapping: Mapping;
  readonly links: LinkAccess;
  readonly qualifier: string;
  /** Null when the user has no link of this qualifier. */
  readonly link: LinkRecord | null;
  /** The linked entry's `_id` as the connector exposes it (entryUUID in the sample), or null. */
  readonly ldapId: string | null;
}

/**
 * Finds the inbound mapping (source `system/ldap/account`, target `managed/user`) and a user's link through it.
 * Links are shared by the mapping pair (`links` in sync.json), so this link is also the outbound mapping's.
 */
@Injectable()
export class LdapLinkLocator {
  constructor(
    private readonly mappings: SyncMappings,
    private readonly links: LinkStore,
    private readonly managed: ManagedService,
  ) {}

  inbound(): Mapping {
    const mapping = this.mappings.all.find((m) => m.source === LDAP_ACCOUNTS && m.target === MANAGED_USERS);
    if (mapping === undefined) {
      throw new DomainError(
        'NOT_SUPPORTED',
        `No mapping in sync.json has source ${LDAP_ACCOUNTS} and target ${MANAGED_USERS}`,
      );
    }
    return mapping;
  }

  /** The user's link; a mapping with several static link qualifiers uses the first that holds a link. */
  async linkOf(userId: string): Promise<UserLdapLink> {
    const mapping = this.inbound();
    const links = new LinkAccess(this.links, mapping.link, mapping.enableLinking);
    const qualifiers = mapping.linkQualifiers.kind === 'static' ? mapping.linkQualifiers.names : [];
    const candidates = qualifiers.length > 0 ? qualifiers : ['default'];
    for (const qualifier of candidates) {
      const link = await links.forTarget(qualifier, userId);
      if (link !== null) return { mapping, links, qualifier, link, ldapId: links.sourceOf(link) };
    }
    return { mapping, links, qualifier: candidates[0] ?? 'default', link: null, ldapId: null };
  }

  /** The managed user, or 404 with a USER_NOT_FOUND message. */
  async user(userId: string): Promise<ManagedResource> {
    try {
      return await this.managed.read('user', userId, undefined);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        throw notFound(`USER_NOT_FOUND: there is no ${MANAGED_USERS} with _id '${userId}'`, {
          error: 'USER_NOT_FOUND',
          id: userId,
        });
      }
      throw error;
    }
  }
}
