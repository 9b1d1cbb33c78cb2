/**
 * The LDAP connector's memory of its own last writes (ReadOptions.lastWritten): what a sync reads instead of
 * searching, how a write planned from it is checked (asserted, or confirmed by a search), and how each modify
 * refreshes it. The connector (ldap.connector.ts) decides when; this decides what is remembered and trusted.
 */
import type { Change, Entry } from 'ldapts';
import { DomainError } from '../../core/errors/domain-error';
import type { JsonObject } from '../../managed/managed-object';
import { StaleReadError, type SystemObject, type UpdateOptions } from '../system-connector.port';
import { REVISION_ATTRIBUTE, entryToObject } from './ldap-entry.mapper';
import type { LdapObjectTypes } from './ldap-object-types';
import type { LdapConnection } from './ldap-pool';
import type { RecentRead, RecentReads } from './ldap-recent-reads';
import {
  afterChanges,
  csnOf,
  groupsDiffer,
  modifyAsserted,
  postReadOfCsn,
  rememberedAttributes,
  staleEntry,
  supportsWriteControls,
} from './ldap-remembered-writes';
import { type UpdatePlan, planUpdate, updateBases } from './ldap-write';
import type { PostReadControl } from './ldap-write-controls';
import { WrittenEntries } from './ldap-written-entries';
import type { ObjectTypeConfig, PropertyConfig } from './provisioner.config';

/** The entry of an object, searched for with `attributes` (and its groups when `withGroups`), or NOT_FOUND. */
export type EntryLookup = (
  attributes: readonly string[],
  withGroups: boolean,
) => Promise<{ entry: Entry; groups: string[] | undefined }>;

export class LastWrites {
  private readonly written: WrittenEntries;
  private readonly unconfirmed = new WeakSet<object>();
  private readonly attributeLists = new Map<string, string[]>();
  /** Whether the server takes the Assertion and Post-Read controls: asked once, on the first modify. */
  private controls: Promise<boolean> | undefined;

  constructor(
    private readonly types: LdapObjectTypes,
    private readonly uidAttribute: string,
    private readonly recentReads: RecentReads,
    capacity: number,
  ) {
    this.written = new WrittenEntries(capacity);
  }

  /**
   * The object as the last write of it left it, unconfirmed, registered as a recent read for the update that
   * follows; undefined when nothing is remembered (or not its groups, which `wantsGroups`).
   */
  read(
    objectType: string,
    id: string,
    properties: readonly PropertyConfig[],
    wantsGroups: boolean,
  ): SystemObject | undefined {
    const written = this.written.get(objectType, id);
    if (written === undefined || (wantsGroups && written.groups === undefined)) return undefined;
    const { entry, groups, csn } = written;
    const object = entryToObject(entry, properties, this.uidAttribute, groups);
    this.recentReads.remember(object, objectType, id, { entry, groups, unconfirmedCsn: csn });
    this.unconfirmed.add(object);
    return object;
  }

  isUnconfirmed(object: object): boolean {
    return this.unconfirmed.has(object);
  }

  forget(objectType: string, id: string): void {
    this.written.forget(objectType, id);
  }

  /**
   * Where an update planned from `options.current` starts, `recent` being what the connector's recent reads hold
   * for it: undefined when nothing is (search for the entry); the read itself when the directory answered it;
   * when it came from memory, 'written' (sent as one asserted modify, nothing left to do) or the entry as a search
   * confirmed it (`lookup`). StaleReadError when that object no longer holds, or was planned from once already.
   */
  async updateFrom(
    conn: LdapConnection,
    type: ObjectTypeConfig,
    id: string,
    object: JsonObject,
    options: UpdateOptions,
    recent: RecentRead | undefined,
    lookup: EntryLookup,
  ): Promise<'written' | RecentRead | undefined> {
    if (recent === undefined) {
      if (options.current !== undefined && this.unconfirmed.has(options.current))
        throw new StaleReadError(`${type.name}/${id} was read from memory for another update`);
      return undefined;
    }
    if (recent.unconfirmedCsn === undefined) return recent;
    if (await this.writeAsserted(conn, type, id, object, options, recent)) return 'written';
    return this.confirm(type, id, recent, lookup);
  }

  /**
   * An update planned from a remembered entry (`recent`), sent as one modify asserting that the entry is still as
   * remembered; false when it is not that simple (a rename, groups to change, nothing to modify), for `confirm`
   * to search first. StaleReadError when the directory refuses.
   */
  private async writeAsserted(
    conn: LdapConnection,
    type: ObjectTypeConfig,
    id: string,
    object: JsonObject,
    options: UpdateOptions,
    recent: RecentRead,
  ): Promise<boolean> {
    const plan = planUpdate(type, recent.entry, object, updateBases(options, true));
    if (plan.newDn !== null || plan.changes.length === 0 || groupsDiffer(plan.groups, recent.groups))
      return false;
    const postRead = postReadOfCsn();
    try {
      await modifyAsserted(conn, recent.entry.dn, plan.changes, recent.unconfirmedCsn as string, postRead);
    } catch (error) {
      if (error instanceof StaleReadError) this.written.forget(type.name, id);
      throw error;
    }
    this.remember(type, id, { before: recent.entry, changes: plan.changes, postRead }, recent.groups);
    return true;
  }

  /** The entry as a search finds it now, if it is still the one remembered (`recent`); else StaleReadError. */
  private async confirm(
    type: ObjectTypeConfig,
    id: string,
    recent: RecentRead,
    lookup: EntryLookup,
  ): Promise<RecentRead> {
    const attributes = [...this.types.writableAttributes(type), REVISION_ATTRIBUTE];
    const found = await lookup(attributes, recent.groups !== undefined).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
    const same =
      found !== undefined &&
      csnOf(found.entry) === recent.unconfirmedCsn &&
      !groupsDiffer(found.groups ?? null, recent.groups);
    if (same) return found;
    this.written.forget(type.name, id);
    throw staleEntry(recent.entry.dn, found === undefined ? 'renamed or deleted' : 'changed');
  }

  /**
   * A modify of `dn` (planned from `found`) that brings back the entry's new entryCSN, and the entry it leaves
   * remembered, with `groupsAfter`. A plain modify where the server lacks the controls.
   */
  async modify(
    conn: LdapConnection,
    type: ObjectTypeConfig,
    id: string,
    dn: string,
    plan: UpdatePlan,
    found: RecentRead,
    groupsAfter: readonly string[] | undefined,
  ): Promise<void> {
    this.controls ??= supportsWriteControls(conn);
    if (!(await this.controls)) {
      await conn.client.modify(dn, plan.changes);
      return;
    }
    const postRead = postReadOfCsn();
    this.written.forget(type.name, id);
    await conn.client.modify(dn, plan.changes, [postRead]);
    this.remember(type, id, { before: found.entry, dn, changes: plan.changes, postRead }, groupsAfter);
  }

  /** The entry `write` left (the entry before it, the changes sent, the entryCSN the reply gave). */
  private remember(
    type: ObjectTypeConfig,
    id: string,
    write: { before: Entry; dn?: string; changes: readonly Change[]; postRead: PostReadControl },
    groups: readonly string[] | undefined,
  ): void {
    const csn = csnOf(write.postRead.entry);
    if (csn === undefined) {
      this.written.forget(type.name, id);
      return;
    }
    const entry = afterChanges(
      write.before,
      write.dn ?? write.before.dn,
      write.changes,
      csn,
      this.kept(type),
    );
    this.written.remember(type.name, id, { entry, csn, groups: groups && [...groups] });
  }

  private kept(type: ObjectTypeConfig): string[] {
    let attributes = this.attributeLists.get(type.name);
    if (attributes === undefined) {
      attributes = rememberedAttributes(type, this.types, this.uidAttribute);
      this.attributeLists.set(type.name, attributes);
    }
    return attributes;
  }
}
