/**
 * Timestamp polling for directories without a readable change log (`useTimestampsForSync`). modifyTimestamp has
 * one-second resolution, so the token is `ts:<generalizedTime>;<id>,<id>…`: the newest timestamp seen plus the
 * entry versions (id@entryCSN) already reported at that second. The next poll asks for `>=` that second and skips
 * those versions, so a change made later within the same second is still reported, and none twice. Deletes are invisible to this strategy.
 */
import type { Entry } from 'ldapts';
import type { SyncBatch, SyncDelta } from '../system-connector.port';
import { binaryAttributes } from './ldap-entry.mapper';
import { escapeFilterValue } from './ldap-filter';
import type { LdapConnection } from './ldap-pool';
import { searchPages } from './ldap-search';
import type { SyncContext } from './ldap-sync';

const GENERALIZED_TIME = /^\d{14}(?:\.\d+)?Z$/;

function parseToken(token: string): { time: string; seen: Set<string> } | null {
  const match = /^ts:([^;]*);?(.*)$/.exec(token);
  if (!match?.[1] || !GENERALIZED_TIME.test(match[1])) return null;
  return { time: match[1], seen: new Set((match[2] ?? '').split(',').filter(Boolean)) };
}

const text = (entry: Entry, attribute: string): string => {
  const raw = entry[attribute];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? '' : value.toString();
};

export async function readTimestampChanges(conn: LdapConnection, ctx: SyncContext): Promise<SyncBatch> {
  const parsed = ctx.token ? parseToken(ctx.token) : null;
  const typeFilter = ctx.types.typeFilter(ctx.type);
  const search = (filter: string, attributes: string[]) =>
    searchPages(conn, {
      bases: ctx.config.baseContextsToSynchronize,
      scope: 'sub',
      filter: `(&${typeFilter}${filter})`,
      attributes,
      binaryAttributes: binaryAttributes(ctx.type),
      pageSize: ctx.config.blockSize,
    });

  if (!parsed) {
    // First run: only the newest timestamp, with every id at that second marked as seen (streamed, not kept).
    let newest = '19700101000000Z';
    let ids: string[] = [];
    for await (const page of search('(modifyTimestamp=*)', ['modifyTimestamp', 'entryUUID', 'entryCSN'])) {
      for (const e of page) {
        const time = text(e, 'modifyTimestamp');
        if (time > newest) [newest, ids] = [time, []];
        if (time === newest) ids.push(idOf(e));
      }
    }
    return { deltas: [], token: `ts:${newest};${ids.join(',')}`, hasMore: false };
  }

  const entries: Entry[] = [];
  const since = `(modifyTimestamp>=${escapeFilterValue(parsed.time)})`;
  for await (const page of search(since, [
    '*',
    ...ctx.attributes,
    'entryUUID',
    'entryCSN',
    'modifyTimestamp',
    'createTimestamp',
  ])) {
    entries.push(
      ...page.filter((e) => !(text(e, 'modifyTimestamp') === parsed.time && parsed.seen.has(idOf(e)))),
    );
  }
  entries.sort((a, b) => text(a, 'modifyTimestamp').localeCompare(text(b, 'modifyTimestamp')));
  const batch = entries.slice(0, ctx.maxChanges);
  const deltas: SyncDelta[] = [];
  // An entry already reported in the token's second was not created now, whatever its createTimestamp says.
  const seenIds = new Set([...parsed.seen].map((version) => version.split('@')[0]));
  let seen = parsed;
  for (const entry of batch) {
    const time = text(entry, 'modifyTimestamp');
    const created =
      text(entry, 'createTimestamp') === time &&
      !(time === parsed.time && seenIds.has(idOf(entry).split('@')[0]));
    seen = { time, seen: new Set([...(seen.time === time ? seen.seen : []), idOf(entry)]) };
    const object = await ctx.toObject(entry);
    deltas.push({
      type: created ? 'CREATE' : 'UPDATE',
      id: object._id,
      object,
      token: `ts:${seen.time};${[...seen.seen].join(',')}`,
    });
  }
  return {
    deltas,
    token: deltas[deltas.length - 1]?.token ?? ctx.token,
    hasMore: entries.length > batch.length,
  };
}

/** An entry *version*: the id plus OpenLDAP's entryCSN, so a second change within the same second is new again. */
const idOf = (entry: Entry): string => {
  const id = text(entry, 'entryUUID') || entry.dn;
  const csn = text(entry, 'entryCSN');
  return csn ? `${id}@${csn}` : id;
};
