import type { Entry } from 'ldapts';
import { canonicalDn, isUnder } from './ldap-dn';
import { DnHints } from './ldap-dn-hints';
import { binaryAttributes, idsAreDns } from './ldap-entry.mapper';
import { type GroupSettings, entryWithGroups, groupsOf } from './ldap-groups';
import { findEntry } from './ldap-lookup';
import type { LdapObjectTypes } from './ldap-object-types';
import type { LdapConnection } from './ldap-pool';
import { readEntry } from './ldap-search';
import type { ObjectTypeConfig, ProvisionerConfig } from './provisioner.config';

/** An entry's groups: `ifFree` takes them only when they come in the entry's own search. */
export type GroupsWanted = 'needed' | 'ifFree' | 'no';

/** An entry found by id, with its groups when they were asked for (or came free). */
export interface LocatedEntry {
  readonly entry: Entry;
  readonly groups: string[] | undefined;
}

/** Ids whose DN is remembered (a few hundred bytes each): enough for the objects a sync is busy with. */
const DN_HINTS = 1000;

/**
 * Finds the entry of an object id: straight at its DN when that is known (the id itself when ids are DNs, else
 * a hint this connector learnt from its own reads and writes), by a subtree search for the id otherwise.
 */
export class EntryLocator {
  private readonly hints = new DnHints(DN_HINTS);

  constructor(
    private readonly config: ProvisionerConfig,
    private readonly types: LdapObjectTypes,
    private readonly groupSettings: GroupSettings,
  ) {}

  /**
   * The entry of `id` with `attributes`, and its groups as `groups` says. Through a known DN entry and groups
   * come in one search; otherwise the id is searched for, and the groups, when needed, in a second search.
   */
  async locate(
    conn: LdapConnection,
    type: ObjectTypeConfig,
    id: string,
    attributes: readonly string[],
    groups: GroupsWanted,
  ): Promise<LocatedEntry> {
    const withGroups = groups !== 'no';
    const idIsDn = idsAreDns(this.config.uidAttribute);
    const hint = idIsDn ? (withGroups ? dnOrNull(id) : null) : (this.hints.get(id) ?? null);
    const entryFilter = idIsDn ? this.types.typeFilter(type) : this.types.idFilter(type, id);
    if (hint !== null && entryFilter !== null) {
      const binary = binaryAttributes(type);
      const found = withGroups
        ? await entryWithGroups(conn, this.groupSettings, hint, attributes, binary, entryFilter)
        : { entry: await readEntry(conn, hint, attributes, binary, entryFilter), groups: undefined };
      if (found.entry) return { entry: found.entry, groups: found.groups };
      this.hints.forget(id);
    }
    const entry = await findEntry(conn, this.config, this.types, type, id, attributes);
    this.remember(id, entry.dn);
    return {
      entry,
      groups: groups === 'needed' ? await groupsOf(conn, this.groupSettings, entry.dn) : undefined,
    };
  }

  /** Ids that are DNs need no hint; an entry moved out of the base contexts is out of reach and gets none. */
  remember(id: string, dn: string): void {
    if (idsAreDns(this.config.uidAttribute)) return;
    if (this.config.baseContexts.some((base) => isUnder(dn, base))) this.hints.remember(id, dn);
    else this.hints.forget(id);
  }

  forget(id: string): void {
    this.hints.forget(id);
  }
}

function dnOrNull(text: string): string | null {
  try {
    return canonicalDn(text);
  } catch {
    return null;
  }
}
