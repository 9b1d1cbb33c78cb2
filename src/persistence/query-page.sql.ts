import type { QueryRequest, SortKey } from '../core/crest/query-request';
import { badRequest } from '../core/errors/domain-error';
import { isPlainObject } from '../core/json-pointer/json-pointer';
import { jsonPathOf } from './sql-jsonpath';

/** What a query returns per row: enough to compute the next page's cookie. `rev` is bigint (pg: a string). */
export interface PageableRow {
  readonly id: string;
  readonly rev: number | string;
  readonly doc: unknown;
}

export interface OrderAndPage {
  /** A condition to AND into the WHERE clause: `TRUE`, or "after the cookie's row" in the sort order. */
  readonly keysetSql: string;
  /** `ORDER BY <sort keys>, id`. */
  readonly orderBySql: string;
  /** `LIMIT $n` (page size + 1, to learn whether another page exists), `OFFSET $m`, both, or ``. */
  readonly limitSql: string;
  /** Values for the placeholders above, numbered from the `paramOffset` given. */
  readonly params: unknown[];
  /** Cuts the fetched rows to the page size; the cookie is null when this was the last page. */
  page<R extends PageableRow>(rows: readonly R[]): { readonly rows: R[]; readonly nextCookie: string | null };
}

interface SortColumn {
  readonly key: SortKey;
  /** SQL for the sort value of a row; never NULL, so comparisons in the keyset stay two-valued. */
  readonly sql: string;
  /** The same value computed from a fetched row, for the cookie. */
  readonly valueOf: (row: PageableRow) => unknown;
  /** Cast applied to the cookie's value for comparison with `sql`. */
  readonly cast: 'text' | 'bigint' | 'jsonb';
  /** Whether a value read from a cookie can be bound with that cast (a forged cookie must not reach SQL). */
  readonly accepts: (value: unknown) => boolean;
}

/** The cookie's content: the sort signature it was made for, the last row's sort values and its id. */
interface Cookie {
  readonly k: string;
  readonly v: unknown[];
  readonly id: string;
}

/**
 * ORDER BY and keyset paging for `managed_objects`. Sort keys compare as jsonb (null < strings < numbers
 * < booleans < arrays < objects; a missing field sorts as null), `_id`/`_rev` by their columns, and `id`
 * breaks ties so the order is total. The `_pagedResultsCookie` is base64url JSON of the last row's sort
 * values and id: the next page is "rows after that one", which stays correct while rows are written,
 * unlike an offset. `_pagedResultsOffset` applies only without a cookie.
 */
export function buildOrderAndPage(
  request: QueryRequest,
  paramOffset: number,
  textColumns: ReadonlyMap<string, string> = NO_COLUMNS,
): OrderAndPage {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${paramOffset + params.length}`;
  };
  // Ids are unique within a type: keys after `_id` can never decide and are left out (as are their params).
  const idKey = request.sortKeys.findIndex((k) => k.field.length === 1 && k.field[0] === '_id');
  const keys = idKey >= 0 ? request.sortKeys.slice(0, idKey + 1) : request.sortKeys;
  const columns = keys.map((key) => sortColumn(key, bind, textColumns));
  const signature = keys.map((k) => `${k.ascending ? '+' : '-'}${JSON.stringify(k.field)}`).join(',');
  const order = columns.map((c) => `${c.sql} ${c.key.ascending ? 'ASC' : 'DESC'}`);
  const orderBySql = `ORDER BY ${(idKey >= 0 ? order : [...order, 'id ASC']).join(', ')}`;

  let keysetSql = 'TRUE';
  const cookie = request.pagedResultsCookie;
  if (cookie !== undefined) {
    const decoded = decodePageCookie(cookie, signature, columns.length);
    if (!isSqlText(decoded.id) || decoded.v.some((value, i) => !columns[i]?.accepts(value))) {
      throw badRequest(`Invalid _pagedResultsCookie '${cookie}'`, { pagedResultsCookie: cookie });
    }
    const cursor = columns.map((c, i) => ({
      sql: c.sql,
      after: c.key.ascending ? '>' : '<',
      value: `${bind(c.cast === 'jsonb' ? JSON.stringify(decoded.v[i]) : decoded.v[i])}::${c.cast}`,
    }));
    if (idKey < 0) cursor.push({ sql: 'id', after: '>', value: `${bind(decoded.id)}::text` });
    // Mixed directions rule out a row comparison `(a, b) > (x, y)`: "after" is spelled out key by key.
    const branches = cursor.map((c, i) =>
      [...cursor.slice(0, i).map((e) => `${e.sql} = ${e.value}`), `${c.sql} ${c.after} ${c.value}`].join(
        ' AND ',
      ),
    );
    keysetSql = `((${branches.join(') OR (')}))`;
  }

  const limits: string[] = [];
  if (request.pageSize > 0) limits.push(`LIMIT ${bind(request.pageSize + 1)}`);
  if (cookie === undefined && request.pagedResultsOffset > 0)
    limits.push(`OFFSET ${bind(request.pagedResultsOffset)}`);

  return {
    keysetSql,
    orderBySql,
    limitSql: limits.join(' '),
    params,
    page<R extends PageableRow>(rows: readonly R[]) {
      if (request.pageSize <= 0 || rows.length <= request.pageSize)
        return { rows: [...rows], nextCookie: null };
      const pageRows = rows.slice(0, request.pageSize);
      const last = pageRows[pageRows.length - 1] as R;
      const content: Cookie = { k: signature, v: columns.map((c) => c.valueOf(last)), id: last.id };
      return { rows: pageRows, nextCookie: Buffer.from(JSON.stringify(content)).toString('base64url') };
    },
  };
}

function sortColumn(
  key: SortKey,
  bind: (value: unknown) => string,
  textColumns: ReadonlyMap<string, string>,
): SortColumn {
  const [first] = key.field;
  if (key.field.length === 1 && first === '_id') {
    return { key, sql: 'id', valueOf: (row) => row.id, cast: 'text', accepts: isSqlText };
  }
  if (key.field.length === 1 && first === '_rev') {
    return {
      key,
      sql: 'rev',
      valueOf: (row) => String(row.rev),
      cast: 'bigint',
      accepts: (value) => typeof value === 'string' && /^[0-9]{1,18}$/.test(value),
    };
  }
  const column = key.field.length === 1 && first !== undefined ? textColumns.get(first) : undefined;
  // Members only (never array positions), in SQL and in valueOf alike, so the cookie holds what SQL sorted by.
  // A member mirrored in a text column (a string, or absent/null as NULL) is read from the column: the same
  // jsonb value, without taking the document apart (or, for audit events, putting it together) for every row.
  const expression =
    column !== undefined
      ? `to_jsonb(${column})`
      : key.field.length === 1
        ? `doc -> ${bind(first)}::text`
        : `jsonb_path_query_first(doc, ${bind(jsonPathOf('strict', key.field))}::jsonpath, '{}', true)`;
  return {
    key,
    sql: `COALESCE(${expression}, 'null'::jsonb)`,
    valueOf: (row) => memberAt(row.doc, key.field) ?? null,
    cast: 'jsonb',
    accepts: (value) => !JSON.stringify(value).includes('\\u0000'),
  };
}

const NO_COLUMNS: ReadonlyMap<string, string> = new Map();

function isSqlText(value: unknown): boolean {
  return typeof value === 'string' && !value.includes('\u0000');
}

function memberAt(doc: unknown, field: readonly string[]): unknown {
  let current = doc;
  for (const token of field) {
    if (!isPlainObject(current) || !Object.prototype.hasOwnProperty.call(current, token)) return undefined;
    current = current[token];
  }
  return current;
}

/** Reads a cookie made by `page()`; anything else, or one made for other sort keys, is a 400. */
export function decodePageCookie(cookie: string, signature: string, keyCount: number): Cookie {
  let content: unknown;
  try {
    content = /^[A-Za-z0-9_-]*$/.test(cookie)
      ? JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    content = undefined;
  }
  if (
    !isPlainObject(content) ||
    content['k'] !== signature ||
    typeof content['id'] !== 'string' ||
    !Array.isArray(content['v']) ||
    content['v'].length !== keyCount
  ) {
    throw badRequest(`Invalid _pagedResultsCookie '${cookie}' for these _sortKeys`, {
      pagedResultsCookie: cookie,
    });
  }
  return { k: signature, v: content['v'] as unknown[], id: content['id'] };
}
