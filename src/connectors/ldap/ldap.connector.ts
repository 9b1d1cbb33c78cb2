/**
 * The LDAP connector: `system/<name>/<objectType>` on a directory, configured by a provisioner.openicf-<name>.json.
 * Reads stream through paged searches; writes go through the pool with the per-operation time limits of
 * `operationTimeout`. Ids are the `uidAttribute` value (`entryUUID` by default), so a rename keeps the id.
 */
import { DomainError, badRequest, notFound } from '../../core/errors/domain-error';
import type { JsonObject } from '../../managed/managed-object';
import { applySystemPatch } from '../system-patch';
import {
  SystemConnector,
  type SyncBatch,
  type SystemObject,
  type SystemPageOptions,
  type SystemPatchOperation,
  type SystemQueryOptions,
  type SystemQueryPage,
  type ReadOptions,
  type TestResult,
  type UpdateOptions,
} from '../system-connector.port';
import { CursorStore } from './ldap-cursor.store';
import { type GroupsWanted, EntryLocator } from './ldap-entry-locator';
import {
  LDAP_GROUPS,
  REVISION_ATTRIBUTE,
  binaryAttributes,
  entryId,
  entryToObject,
  idsAreDns,
  requestedAttributes,
  returnedProperties,
  wantsRevision,
} from './ldap-entry.mapper';
import {
  type GroupSettings,
  entryWithGroups,
  groupsOf,
  groupsOfMembers,
  removeFromGroups,
  renameInGroups,
  setGroups,
} from './ldap-groups';
import { LdapObjectTypes } from './ldap-object-types';
import { LdapPool } from './ldap-pool';
import { findAll, findEntry } from './ldap-lookup';
import { RecentReads } from './ldap-recent-reads';
import { type EntryLookup, LastWrites } from './ldap-last-writes';
import { readEntry, searchPages } from './ldap-search';
import { readChanges } from './ldap-sync';
import { planCreate, planUpdate, updateBases } from './ldap-write';
import type { ConnectorOperation, ObjectTypeConfig, ProvisionerConfig } from './provisioner.config';

const CURSOR_TTL_MS = 60_000;
/** How long an object `read` returned may stand in for the entry when it is updated (UpdateOptions.current). */
const READ_REUSE_MS = 2_000;
/**
 * Entries remembered as last written (a few KB each at most): implicit sync's next change of an entry among them
 * needs no search. Enough for the entries being edited at any time in a large directory.
 */
const WRITTEN_ENTRIES = 10_000;

export class LdapConnector extends SystemConnector {
  readonly name: string;
  private readonly pool: LdapPool;
  private readonly types: LdapObjectTypes;
  private readonly cursors: CursorStore<SystemObject>;
  private readonly groupSettings: GroupSettings;
  private readonly locator: EntryLocator;
  private readonly recentReads = new RecentReads(READ_REUSE_MS);
  /** Entries as this connector's writes left them (ReadOptions.lastWritten). */
  private readonly lastWrites: LastWrites;

  constructor(private readonly config: ProvisionerConfig) {
    super();
    this.name = config.name;
    this.pool = new LdapPool(config.connection, config.pool);
    this.types = new LdapObjectTypes(config);
    this.lastWrites = new LastWrites(this.types, config.uidAttribute, this.recentReads, WRITTEN_ENTRIES);
    this.cursors = new CursorStore(CURSOR_TTL_MS, Math.max(1, Math.floor(config.pool.maxObjects / 2)));
    this.groupSettings = { memberAttribute: config.groupMemberAttribute, bases: config.baseContexts };
    this.locator = new EntryLocator(config, this.types, this.groupSettings);
  }

  objectTypes(): string[] {
    return [...this.config.objectTypes.keys()];
  }

  /** What JSON.stringify and loggers see: the name and URLs, never the credentials. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, urls: this.config.connection.urls, objectTypes: this.objectTypes() };
  }

  async *query(objectType: string, options: SystemQueryOptions): AsyncGenerator<SystemObject> {
    for await (const page of this.queryPages(objectType, options)) yield* page;
  }

  async *queryPages(objectType: string, options: SystemQueryOptions): AsyncGenerator<SystemObject[]> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'SEARCH');
    const properties = options.idsOnly
      ? type.properties.filter((p) => p.nativeName === '__NAME__')
      : returnedProperties(type, options.fields);
    const wantsGroups = properties.some((p) => p.nativeName === 'ldapGroups');
    const revision = !options.idsOnly && wantsRevision(options.fields);
    const attributes = requestedAttributes(properties, this.config.uidAttribute);
    const filter = this.types.searchFilter(type, options.filter);
    const conn = await this.pool.acquire();
    let broken = false;
    try {
      const pages = searchPages(conn, {
        bases: this.config.baseContexts,
        scope: 'sub',
        filter,
        attributes: revision ? [...attributes.filter((a) => a !== '1.1'), REVISION_ATTRIBUTE] : attributes,
        binaryAttributes: binaryAttributes(type),
        pageSize: this.config.usePagedResultControl ? this.config.blockSize : 0,
        timeoutMs: this.timeout('SEARCH'),
        controls: this.types.sortControl(type, options.sortKeys),
      });
      for await (const entries of pages) {
        const groups = wantsGroups
          ? await groupsOfMembers(
              conn,
              this.groupSettings,
              entries.map((e) => e.dn),
            )
          : undefined;
        const objects = entries.map((entry) =>
          entryToObject(
            entry,
            properties,
            this.config.uidAttribute,
            groups?.get(this.types.memberKey(entry.dn)),
            revision,
          ),
        );
        // The server's page is dropped once mapped: while the consumer works on this page the next one arrives,
        // and holding both forms of this one besides kept a third page of entries alive (recon's memory).
        entries.length = 0;
        if (objects.length > 0) yield objects;
      }
    } catch (error) {
      broken = this.pool.isBroken(error);
      throw this.pool.mapError(error, conn, `search ${objectType}`);
    } finally {
      this.pool.release(conn, broken);
    }
  }

  async queryPage(objectType: string, options: SystemPageOptions): Promise<SystemQueryPage> {
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1)
      throw badRequest('_pageSize must be >= 1');
    if (options.pagedResultsCookie) {
      const page = await this.cursors.next(options.pagedResultsCookie, options.pageSize);
      if (!page) throw badRequest('The _pagedResultsCookie is unknown or expired; start the query again');
      return { result: page.items, pagedResultsCookie: page.cookie };
    }
    const stream = this.query(objectType, options)[Symbol.asyncIterator]();
    const page = await this.cursors.first(stream, options.pageSize, options.pagedResultsOffset ?? 0);
    return { result: page.items, pagedResultsCookie: page.cookie };
  }

  objectShape(objectType: string): string {
    const type = this.types.get(objectType);
    const properties = type.properties.map((p) => ({ ...p, flags: [...p.flags].sort() }));
    return JSON.stringify({
      uidAttribute: this.config.uidAttribute,
      revision: REVISION_ATTRIBUTE,
      properties,
    });
  }

  async read(
    objectType: string,
    id: string,
    fields?: readonly string[],
    options: ReadOptions = {},
  ): Promise<SystemObject> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'GET');
    const properties = returnedProperties(type, fields);
    const wantsGroups = properties.some((p) => p.nativeName === LDAP_GROUPS);
    const whole = fields === undefined || fields.length === 0;
    if (options.lastWritten === true && whole) {
      const fromMemory = this.lastWrites.read(objectType, id, properties, wantsGroups);
      if (fromMemory !== undefined) return fromMemory;
    }
    return this.pool.use(`read ${objectType}/${id}`, this.timeout('GET'), async (conn) => {
      const attributes = requestedAttributes(properties, this.config.uidAttribute);
      const { entry, groups } = await this.locator.locate(
        conn,
        type,
        id,
        attributes,
        wantsGroups ? 'needed' : 'no',
      );
      const object = entryToObject(entry, properties, this.config.uidAttribute, groups);
      // A whole object was read: its entry holds every attribute an update compares (writableAttributes).
      if (whole) this.recentReads.remember(object, objectType, id, { entry, groups });
      return object;
    });
  }

  override isUnconfirmed(object: object): boolean {
    return this.lastWrites.isUnconfirmed(object);
  }

  async create(objectType: string, object: JsonObject): Promise<SystemObject> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'CREATE');
    const plan = planCreate(type, object);
    const properties = returnedProperties(type);
    const uid = this.config.uidAttribute;
    return this.pool.use(`create ${plan.dn}`, this.timeout('CREATE'), async (conn) => {
      await conn.client.add(plan.dn, plan.attributes);
      if (plan.groups) await setGroups(conn, this.groupSettings, plan.dn, [], plan.groups);
      // The entry as stored (with its entryUUID) and its groups, in one search on this same connection.
      const attributes = requestedAttributes(properties, uid);
      const { entry, groups } = properties.some((p) => p.nativeName === 'ldapGroups')
        ? await entryWithGroups(conn, this.groupSettings, plan.dn, attributes, binaryAttributes(type))
        : { entry: await readEntry(conn, plan.dn, attributes, binaryAttributes(type)), groups: undefined };
      if (!entry)
        throw notFound(`${this.name}/${objectType}: ${plan.dn} was deleted right after its creation`);
      const created = entryToObject(entry, properties, uid, groups);
      this.locator.remember(created._id, entry.dn);
      return created;
    });
  }

  async update(
    objectType: string,
    id: string,
    object: JsonObject,
    options: UpdateOptions = {},
  ): Promise<SystemObject> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'UPDATE');
    const maintain = this.config.maintainLdapGroupMembership;
    // Groups are needed when `ldapGroups` is given or a rename carries the memberships along.
    const givesGroups = type.properties.some((p) => p.nativeName === LDAP_GROUPS && p.name in object);
    const groupsWanted: GroupsWanted = givesGroups ? 'needed' : maintain ? 'ifFree' : 'no';
    const newId = await this.pool.use(`update ${objectType}/${id}`, this.timeout('UPDATE'), async (conn) => {
      const recent = this.recentReads.take(options.current, objectType, id, groupsWanted === 'needed');
      const lookup: EntryLookup = (attributes, withGroups) =>
        this.locator.locate(conn, type, id, attributes, withGroups ? 'needed' : groupsWanted);
      const start = await this.lastWrites.updateFrom(conn, type, id, object, options, recent, lookup);
      if (start === 'written') return id;
      const found = start ?? (await lookup(this.types.writableAttributes(type), false));
      const { entry } = found;
      const plan = planUpdate(type, entry, object, updateBases(options, recent !== undefined));
      let dn = entry.dn;
      const oldGroups =
        plan.groups || (plan.newDn && maintain)
          ? (found.groups ?? (await groupsOf(conn, this.groupSettings, dn)))
          : [];
      if (plan.newDn) {
        await conn.client.modifyDN(dn, plan.newDn);
        if (maintain) await renameInGroups(conn, this.groupSettings, dn, plan.newDn);
        dn = plan.newDn;
      }
      const groupsAfter = plan.groups ?? (plan.newDn ? (maintain ? oldGroups : undefined) : found.groups);
      if (plan.changes.length > 0) await this.lastWrites.modify(conn, type, id, dn, plan, found, groupsAfter);
      else if (plan.newDn || plan.groups) this.lastWrites.forget(type.name, id);
      if (plan.groups) {
        // Without a rename the memberships are still those read above; after one, maintained ones moved along.
        const current = !plan.newDn || maintain ? oldGroups : await groupsOf(conn, this.groupSettings, dn);
        await setGroups(conn, this.groupSettings, dn, current, plan.groups);
      }
      const updatedId = idsAreDns(this.config.uidAttribute) ? dn : id;
      this.locator.remember(updatedId, dn);
      return updatedId;
    });
    if (options.readBack === false) return { _id: newId };
    // The entry as stored (server-normalised values, groups): read back, straight at the DN just written.
    return this.read(objectType, newId);
  }

  async patch(
    objectType: string,
    id: string,
    operations: readonly SystemPatchOperation[],
  ): Promise<SystemObject> {
    const type = this.types.get(objectType);
    const current = await this.read(objectType, id);
    const patched = applySystemPatch(current, operations);
    // Hidden properties (the password) are in `patched` only when an operation set them, so they change only then.
    const object: JsonObject = {};
    for (const p of type.properties) if (p.name in patched) object[p.name] = patched[p.name] ?? null;
    return this.update(objectType, id, object);
  }

  async delete(objectType: string, id: string): Promise<SystemObject> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'DELETE');
    const before = await this.read(objectType, id);
    await this.pool.use(`delete ${objectType}/${id}`, this.timeout('DELETE'), async (conn) => {
      const entry = await findEntry(conn, this.config, this.types, type, id, ['1.1']);
      await conn.client.del(entry.dn);
      this.locator.forget(id);
      this.lastWrites.forget(type.name, id);
      if (this.config.maintainLdapGroupMembership) await removeFromGroups(conn, this.groupSettings, entry.dn);
    });
    return before;
  }

  async test(): Promise<TestResult> {
    try {
      await this.pool.use('test', this.timeout('TEST'), (conn) =>
        readEntry(conn, '', ['supportedControl'], []).then(() => undefined),
      );
      return { name: this.name, ok: true };
    } catch (error) {
      return { name: this.name, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async authenticate(objectType: string, username: string, password: string): Promise<{ _id: string }> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'AUTHENTICATE');
    const refused = new DomainError('UNAUTHORIZED', 'Invalid username or password');
    // An empty password would be an anonymous bind, which "succeeds" without proving anything.
    if (username === '' || password === '') throw refused;
    const filter = this.types.userNameFilter(type, username);
    const uid = this.config.uidAttribute;
    const found = await this.pool.use('authenticate', this.timeout('AUTHENTICATE'), (conn) =>
      findAll(conn, this.config.baseContexts, filter, requestedAttributes([], uid)),
    );
    const [entry] = found;
    if (!entry || found.length > 1) throw refused;
    if (!(await this.pool.verifyPassword(entry.dn, password))) throw refused;
    return { _id: entryId(entry, uid) };
  }

  async sync(
    objectType: string,
    token: string | null,
    options: { maxChanges?: number } = {},
  ): Promise<SyncBatch> {
    const type = this.types.get(objectType);
    this.checkAllowed(type, 'SYNC');
    const properties = returnedProperties(type);
    return this.pool.use(`sync ${objectType}`, this.timeout('SYNC'), (conn) =>
      readChanges(conn, {
        config: this.config,
        type,
        types: this.types,
        token,
        maxChanges: options.maxChanges ?? 1000,
        // '1.1' (no attributes) would be out of place beside the others the change log's read asks for.
        attributes: requestedAttributes(properties, this.config.uidAttribute).filter(
          (name) => name !== '1.1',
        ),
        toObject: async (entry) => {
          const groups = properties.some((p) => p.nativeName === LDAP_GROUPS)
            ? await groupsOf(conn, this.groupSettings, entry.dn)
            : undefined;
          const object = entryToObject(entry, properties, this.config.uidAttribute, groups);
          // As a read's: the sync of what live sync writes from this object may update the entry from it.
          this.recentReads.remember(object, objectType, object._id, { entry, groups });
          return object;
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.cursors.closeAll();
    await this.pool.close();
  }

  private checkAllowed(type: ObjectTypeConfig, operation: ConnectorOperation): void {
    if (this.config.deniedOperations[type.name]?.has(operation)) {
      throw new DomainError(
        'FORBIDDEN',
        `Operation ${operation} is denied on system/${this.name}/${type.name}`,
      );
    }
  }

  private timeout(operation: ConnectorOperation): number | undefined {
    return this.config.operationTimeouts[operation];
  }
}
