/**
 * Live-sync change detection. OpenLDAP has no OpenDJ `cn=changelog`; its accesslog overlay records every write
 * in `cn=accesslog` (reqStart = generalized time with microseconds, unique per request; reqType; reqDN; reqNewDN;
 * reqAuthzID = who wrote; reqEntryUUID; reqOld with the deleted entry's attributes). The token is the reqStart of
 * the last delta handled. When the accesslog cannot be read and `useTimestampsForSync` is on, modifyTimestamp
 * polling (ldap-sync.timestamps.ts) is used instead, which sees creates and modifies but not deletes.
 */
import type { Entry } from 'ldapts';
import { DomainError } from '../../core/errors/domain-error';
import type { SyncBatch, SyncDelta, SystemObject } from '../system-connector.port';
import { isUnder, sameDn } from './ldap-dn';
import { binaryAttributes, idsAreDns } from './ldap-entry.mapper';
import { isResultCodeError } from './ldap-errors';
import { escapeFilterValue } from './ldap-filter';
import { withSuperclasses } from './ldap-object-classes';
import type { LdapObjectTypes } from './ldap-object-types';
import type { LdapConnection } from './ldap-pool';
import {
  advance,
  formatPosition,
  isPending,
  parsePosition,
  reqStartMicros,
  windowStart,
  WINDOW_US,
} from './accesslog-window';
import { readEntry, searchPages } from './ldap-search';
import { readTimestampChanges } from './ldap-sync.timestamps';
import type { ObjectTypeConfig, ProvisionerConfig } from './provisioner.config';

export const ACCESSLOG = 'cn=accesslog';
const EPOCH = '19700101000000.000000Z';

export interface SyncContext {
  readonly config: ProvisionerConfig;
  readonly type: ObjectTypeConfig;
  readonly types: LdapObjectTypes;
  readonly token: string | null;
  readonly maxChanges: number;
  /** What a read of the type asks for (operational attributes among them), so that a change's object is a read's. */
  readonly attributes: readonly string[];
  readonly toObject: (entry: Entry) => Promise<SystemObject>;
}

const first = (entry: Entry, attribute: string): string | undefined => {
  const raw = entry[attribute];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
};
const all = (entry: Entry, attribute: string): string[] => {
  const raw = entry[attribute];
  return raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map((v) => v.toString());
};

export async function readChanges(conn: LdapConnection, ctx: SyncContext): Promise<SyncBatch> {
  // Refused or absent (a result code) means "no accesslog here"; a transport failure propagates as UNAVAILABLE.
  const log = await readEntry(conn, ACCESSLOG, ['1.1'], []).catch((error: unknown) => {
    if (isResultCodeError(error)) return null;
    throw error;
  });
  const readable = log !== null;
  if (!readable || ctx.token?.startsWith('ts:')) {
    if (ctx.config.useTimestampsForSync) return readTimestampChanges(conn, ctx);
    throw new DomainError(
      'NOT_SUPPORTED',
      `LDAP server ${conn.url}: ${ACCESSLOG} is not readable by the connector`,
    );
  }
  if (ctx.token === null) return { deltas: [], token: await latestPosition(conn), hasMore: false };

  // A token this module cannot read as a position (none written by it is such) is read from as it stands.
  const start = parsePosition(ctx.token);
  const after = start
    ? `(reqStart>=${escapeFilterValue(windowStart(start))})`
    : `(reqStart>=${escapeFilterValue(ctx.token)})(!(reqStart=${escapeFilterValue(ctx.token)}))`;
  const filter = `(&(objectClass=auditWriteObject)(reqResult=0)${after})`;
  const pending = (record: Entry): boolean => {
    const us = reqStartMicros(first(record, 'reqStart') ?? '');
    return start === null || us === null || isPending(start, us);
  };
  const records: Entry[] = [];
  let hasMore = false;
  for await (const page of searchPages(conn, {
    bases: [ACCESSLOG],
    scope: 'one',
    filter,
    attributes: ['reqStart', 'reqType', 'reqDN', 'reqNewDN', 'reqAuthzID', 'reqEntryUUID', 'reqOld'],
    binaryAttributes: [],
    pageSize: ctx.config.changeLogBlockSize,
  })) {
    records.push(...page.filter(pending));
    if (records.length > ctx.maxChanges) {
      hasMore = true;
      break;
    }
  }
  // Paged results come in storage order; a batch is handled in request order.
  records.sort((a, b) => (first(a, 'reqStart') ?? '').localeCompare(first(b, 'reqStart') ?? ''));
  const batch = records.slice(0, ctx.maxChanges);
  const deltas: SyncDelta[] = [];
  let position = start;
  let token = ctx.token;
  for (const record of batch) {
    const reqStart = first(record, 'reqStart') ?? '';
    const us = reqStartMicros(reqStart);
    position = position !== null && us !== null ? advance(position, us) : null;
    token = position !== null ? formatPosition(position) : reqStart;
    const delta = await toDelta(conn, ctx, record, token);
    if (delta) deltas.push(delta);
  }
  return { deltas, token, hasMore };
}

/** The change `record` logged, as a delta whose token is `token`; null when it is not one of this type's. */
async function toDelta(
  conn: LdapConnection,
  ctx: SyncContext,
  record: Entry,
  token: string,
): Promise<SyncDelta | null> {
  const { config, type } = ctx;
  const authz = (first(record, 'reqAuthzID') ?? '').replace(/^dn:/i, '');
  if (config.modifiersNamesToFilterOut.some((dn) => sameDn(dn, authz))) return null;
  const reqType = first(record, 'reqType');
  const reqDn = first(record, 'reqDN') ?? '';
  const uuid = first(record, 'reqEntryUUID');
  const byDn = idsAreDns(config.uidAttribute);
  const inScope = (dn: string) => config.baseContextsToSynchronize.some((base) => isUnder(dn, base));

  if (reqType === 'delete') {
    const oldClasses = withSuperclasses(
      all(record, 'reqOld')
        .filter((line) => /^objectClass:/i.test(line))
        .map((line) => line.replace(/^objectClass:\s*/i, '')),
    );
    const wanted = type.objectClasses.filter((c) => c.toLowerCase() !== 'top').map((c) => c.toLowerCase());
    if (!wanted.every((c) => oldClasses.has(c)) || !inScope(reqDn)) return null;
    if (!oldClassesToSynchronize(ctx, [...oldClasses])) return null;
    const oldUuid = all(record, 'reqOld')
      .find((line) => /^entryUUID:/i.test(line))
      ?.replace(/^entryUUID:\s*/i, '');
    const id = byDn ? reqDn : (uuid ?? oldUuid);
    return id ? { type: 'DELETE', id, object: null, token } : null;
  }
  if (reqType !== 'add' && reqType !== 'modify' && reqType !== 'modrdn') return null;

  // The entry as it is now, if it still exists and is of this type (a later delete will be its own delta).
  const entry = await currentEntry(conn, ctx, uuid, first(record, 'reqNewDN') ?? reqDn);
  if (!entry || !inScope(entry.dn)) return null;
  const classes = all(entry, 'objectClass').map((c) => c.toLowerCase());
  if (!oldClassesToSynchronize(ctx, classes)) return null;
  const object = await ctx.toObject(entry);
  const previousId = reqType === 'modrdn' && byDn ? reqDn : undefined;
  return {
    type: reqType === 'add' ? 'CREATE' : 'UPDATE',
    id: object._id,
    ...(previousId ? { previousId } : {}),
    object,
    token,
  };
}

/** `objectClassesToSynchronize` narrows account changes (OpenIDM's default is inetOrgPerson). */
function oldClassesToSynchronize(ctx: SyncContext, classes: readonly string[]): boolean {
  if (ctx.type.nativeType !== '__ACCOUNT__' || ctx.config.objectClassesToSynchronize.length === 0)
    return true;
  return ctx.config.objectClassesToSynchronize.some((c) => classes.includes(c.toLowerCase()));
}

async function currentEntry(
  conn: LdapConnection,
  ctx: SyncContext,
  uuid: string | undefined,
  dn: string,
): Promise<Entry | null> {
  const attributes = ['*', 'entryUUID', ...ctx.attributes];
  const binary = binaryAttributes(ctx.type);
  const typeFilter = ctx.types.typeFilter(ctx.type);
  if (uuid) {
    for await (const page of searchPages(conn, {
      bases: ctx.config.baseContextsToSynchronize,
      scope: 'sub',
      filter: `(&${typeFilter}(entryUUID=${escapeFilterValue(uuid)}))`,
      attributes,
      binaryAttributes: binary,
      pageSize: 0,
    })) {
      if (page[0]) return page[0];
    }
    return null;
  }
  return readEntry(conn, dn, attributes, binary, typeFilter);
}

/**
 * Where a first run starts: after the newest entry, every entry of the window before it counted as handled (the
 * initial load is recon's job). Found by reading only the accesslog entries' names, page by page.
 */
async function latestPosition(conn: LdapConnection): Promise<string> {
  const starts: number[] = [];
  let newest = EPOCH;
  for await (const page of searchPages(conn, {
    bases: [ACCESSLOG],
    scope: 'one',
    filter: '(objectClass=auditWriteObject)',
    attributes: ['reqStart'],
    binaryAttributes: [],
    pageSize: 1000,
  })) {
    for (const record of page) {
      const start = first(record, 'reqStart');
      if (start === undefined) continue;
      if (start > newest) newest = start;
      const us = reqStartMicros(start);
      if (us !== null) starts.push(us);
    }
  }
  const newestUs = reqStartMicros(newest);
  if (newestUs === null) return newest;
  const handled = new Set(starts.filter((us) => us > newestUs - WINDOW_US));
  return formatPosition({ newestUs, handled: handled.add(newestUs) });
}
