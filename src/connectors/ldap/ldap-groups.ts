/**
 * `ldapGroups`: the DNs of the groups whose member attribute (`groupMemberAttribute`, `uniqueMember` by default)
 * holds an entry's DN. Read in one search per page of entries; written by adding or removing the entry's DN in
 * the groups, as OpenICF's LDAP connector does. DNs are compared in normal form (case and spacing ignored).
 */
import { Attribute, Change, type Entry } from 'ldapts';
import { badRequest } from '../../core/errors/domain-error';
import { escapeFilterValue } from './ldap-filter';
import { canonicalDn, normalizeDn } from './ldap-dn';
import type { LdapConnection } from './ldap-pool';

export interface GroupSettings {
  readonly memberAttribute: string;
  readonly bases: readonly string[];
}

/** Map from normalized member DN to the DNs of its groups, for a batch of entry DNs. */
export async function groupsOfMembers(
  conn: LdapConnection,
  settings: GroupSettings,
  memberDns: readonly string[],
): Promise<Map<string, string[]>> {
  const byMember = new Map<string, string[]>(memberDns.map((dn) => [normalizeDn(dn), []]));
  if (memberDns.length === 0) return byMember;
  const attr = settings.memberAttribute;
  const filter = `(|${memberDns.map((dn) => `(${attr}=${escapeFilterValue(dn)})`).join('')})`;
  for (const base of settings.bases) {
    const { searchEntries } = await conn.client.search(base, { scope: 'sub', filter, attributes: [attr] });
    for (const group of searchEntries) {
      const raw = Object.entries(group).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
      const members = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      for (const member of members) {
        const list = byMember.get(normalizeDn(member.toString()));
        if (list && !list.includes(group.dn)) list.push(group.dn);
      }
    }
  }
  return byMember;
}

export async function groupsOf(conn: LdapConnection, settings: GroupSettings, dn: string): Promise<string[]> {
  return (await groupsOfMembers(conn, settings, [dn])).get(normalizeDn(dn)) ?? [];
}

async function changeMember(
  conn: LdapConnection,
  attr: string,
  groupDn: string,
  operation: 'add' | 'delete',
  memberDn: string,
  strict = true,
): Promise<void> {
  try {
    await conn.client.modify(
      groupDn,
      new Change({ operation, modification: new Attribute({ type: attr, values: [memberDn] }) }),
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Already a member (20) or already gone (16): the desired state holds.
    if (code === 20 || code === 16) return;
    // Removing the last value of a MUST attribute (uniqueMember of groupOfUniqueNames) is refused: say so.
    if (code === 65 && !strict) return;
    if (code === 65)
      throw badRequest(`Cannot remove the last member of group ${groupDn}`, { group: groupDn });
    throw error;
  }
}

/** Makes `dn` a member of exactly `desired` among groups (current membership given), adding before removing. */
export async function setGroups(
  conn: LdapConnection,
  settings: GroupSettings,
  dn: string,
  current: readonly string[],
  desired: readonly string[],
): Promise<void> {
  const currentSet = new Set(current.map(normalizeDn));
  const desiredCanonical = desired.map((group) => canonicalDn(group));
  const desiredSet = new Set(desiredCanonical.map(normalizeDn));
  for (const group of desiredCanonical) {
    if (!currentSet.has(normalizeDn(group)))
      await changeMember(conn, settings.memberAttribute, group, 'add', dn);
  }
  for (const group of current) {
    if (!desiredSet.has(normalizeDn(group)))
      await changeMember(conn, settings.memberAttribute, group, 'delete', dn);
  }
}

/** After a rename: replace the old DN by the new one in every group that held it. */
export async function renameInGroups(
  conn: LdapConnection,
  settings: GroupSettings,
  oldDn: string,
  newDn: string,
): Promise<void> {
  for (const group of await groupsOf(conn, settings, oldDn)) {
    await changeMember(conn, settings.memberAttribute, group, 'add', newDn);
    await changeMember(conn, settings.memberAttribute, group, 'delete', oldDn);
  }
}

/**
 * After a delete: remove the DN from every group. A group whose schema requires a member and that had only this
 * one keeps the dangling value: the directory refuses to empty it, and deleting the group is not ours to decide.
 */
export async function removeFromGroups(
  conn: LdapConnection,
  settings: GroupSettings,
  dn: string,
): Promise<void> {
  for (const group of await groupsOf(conn, settings, dn)) {
    await changeMember(conn, settings.memberAttribute, group, 'delete', dn, false);
  }
}

/**
 * An entry and its groups in one subtree search, `(|(entryDN=<dn>)(<member>=<dn>))` (OpenLDAP's entryDN, as
 * the `dn` query filter uses): one request instead of two after a create. Groups match by the server's own
 * member matching rule, so their DNs need no comparison here.
 */
export async function entryWithGroups(
  conn: LdapConnection,
  settings: GroupSettings,
  dn: string,
  attributes: readonly string[],
  binaryAttributes: readonly string[],
  entryFilter?: string,
): Promise<{ entry: Entry | null; groups: string[] }> {
  const value = escapeFilterValue(dn);
  // `entryFilter` (the id and object type) must hold too, or the entry counts as absent (its groups are then moot).
  const entryMatch = entryFilter ? `(&(entryDN=${value})${entryFilter})` : `(entryDN=${value})`;
  const filter = `(|${entryMatch}(${settings.memberAttribute}=${value}))`;
  const wanted = normalizeDn(dn);
  let entry: Entry | null = null;
  const groups: string[] = [];
  for (const base of settings.bases) {
    const { searchEntries } = await conn.client.search(base, {
      scope: 'sub',
      filter,
      attributes: [...attributes],
      explicitBufferAttributes: [...binaryAttributes],
    });
    for (const found of searchEntries) {
      if (normalizeDn(found.dn) === wanted) entry = found;
      else if (!groups.includes(found.dn)) groups.push(found.dn);
    }
  }
  return { entry, groups };
}
