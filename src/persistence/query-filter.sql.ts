import type { QueryRequest } from '../core/crest/query-request';
import { badRequest } from '../core/errors/domain-error';
import type {
  ComparisonOperator,
  FilterValue,
  JsonPointer,
  QueryFilter,
} from '../core/query-filter/query-filter.ast';
import { jsonPathOf, jsonPathString } from './sql-jsonpath';
import { quoteLiteral, stringPropertySql } from './searchable-index.sql';
import { buildOrderAndPage, type OrderAndPage } from './query-page.sql';

export { searchableIndexSql } from './searchable-index.sql';
export { buildOrderAndPage, decodePageCookie } from './query-page.sql';
export type { OrderAndPage, PageableRow } from './query-page.sql';

/** A piece of SQL and the values of its placeholders, which continue from the caller's own. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

export interface SqlWhereOptions {
  /** Placeholders already used by the caller: the first one emitted here is `$<paramOffset + 1>`. */
  readonly paramOffset: number;
  /** managed.json `searchable` top-level properties and their declared types (`string`, `number`, ...). */
  readonly searchable: ReadonlyMap<string, string>;
  /**
   * Top-level properties mirrored in a real text column (property → SQL column expression), for tables
   * that keep a few indexed columns beside the document (audit events, links); string comparisons use the
   * column. The writer must guarantee that the property is a string (held by the column) or null/absent
   * (column NULL) in every document: an array there would not be searched element by element.
   */
  readonly textColumns?: ReadonlyMap<string, string>;
  /**
   * For sources whose `doc` is put together from parts (audit events, audit-event-rows.sql.ts): the SQL of a
   * document that holds the top-level member named by the bound parameter `member` exactly as `doc` does, read
   * for conditions on that member and below instead of the whole `doc`. Null or NULL where neither part has it.
   */
  readonly memberDocument?: (member: string) => string;
}

/**
 * Translates a `_queryFilter` into a condition on `managed_objects(object_type, id, rev, doc jsonb)`
 * that selects exactly the documents core/query-filter/query-filter.evaluator.ts accepts (for `_id` and
 * `_rev`, the evaluator sees them as the string members of the object). Values only ever travel as
 * parameters.
 *
 * - `_id` / `_rev` use the `id` / `rev` columns.
 * - A declared `string` property compared with a string uses `doc->>'prop'`, the expression that
 *   searchableIndexSql indexes: `=`, `LIKE 'prefix%'` and byte-order comparisons (`~>~`, which is
 *   code-point order for UTF-8, as the evaluator compares). Such properties are trusted to hold a string,
 *   as the schema says; an array stored there would not be searched element by element.
 * - Anything else is a SQL/JSON path in lax mode, which unwraps arrays like the evaluator does, with the
 *   value in the `$v` variable and a type test so that `"5"` never equals `5`.
 * - Under `!`, `x IS NOT TRUE` keeps a NULL (property absent) from turning the negation into "no row".
 */
export function buildSqlWhere(filter: QueryFilter, options: SqlWhereOptions): SqlFragment {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${options.paramOffset + params.length}`;
  };
  const docFor = (field: JsonPointer): string => {
    const [first] = field;
    return options.memberDocument === undefined || first === undefined
      ? 'doc'
      : options.memberDocument(`${bind(first)}::text`);
  };
  const translate = (node: QueryFilter): string => {
    switch (node.type) {
      case 'true':
        return 'TRUE';
      case 'false':
        return 'FALSE';
      case 'and':
        return `(${node.filters.map(translate).join(' AND ')})`;
      case 'or':
        return `(${node.filters.map(translate).join(' OR ')})`;
      case 'not':
        return `((${translate(node.filter)}) IS NOT TRUE)`;
      case 'present':
        if (isColumn(node.field)) return 'TRUE';
        // `.type()` does not unwrap arrays, so `[]` and `[null]` count as present, as in the evaluator.
        return `jsonb_path_exists(${docFor(node.field)}, ${bind(`${jsonPathOf('lax', node.field)}.type() ? (@ != "null")`)}::jsonpath)`;
      case 'comparison':
        return comparison(node.operator, node.field, node.value, options, bind, docFor);
      case 'extended':
        throw badRequest(`Unsupported query operator '${node.operator}'`, { operator: node.operator });
    }
  };
  return { sql: translate(filter), params };
}

/**
 * The whole statement for a page of a CREST query, for repositories that need nothing else:
 * `SELECT id, rev, doc FROM managed_objects WHERE object_type = $1 AND (...) AND <keyset> ORDER BY ... LIMIT ...`.
 * Run it with `params`, then `page.page(rows)` gives the page and the next cookie.
 */
export function buildManagedObjectSelect(
  objectType: string,
  request: QueryRequest,
  searchable: ReadonlyMap<string, string>,
): SqlFragment & { readonly page: OrderAndPage } {
  const where = buildSqlWhere(request.filter, { paramOffset: 1, searchable });
  const page = buildOrderAndPage(request, 1 + where.params.length);
  const tail = [page.orderBySql, page.limitSql].filter((part) => part !== '').join(' ');
  return {
    sql: `SELECT id, rev, doc FROM managed_objects WHERE object_type = $1 AND (${where.sql}) AND ${page.keysetSql} ${tail}`,
    params: [objectType, ...where.params, ...page.params],
    page,
  };
}

const SQL_COMPARATORS: Record<'gt' | 'ge' | 'lt' | 'le', string> = {
  gt: '~>~',
  ge: '~>=~',
  lt: '~<~',
  le: '~<=~',
};
const PATH_COMPARATORS: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = {
  eq: '==',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

function isColumn(field: JsonPointer): boolean {
  return field.length === 1 && (field[0] === '_id' || field[0] === '_rev');
}

function comparison(
  operator: ComparisonOperator,
  field: JsonPointer,
  value: FilterValue,
  options: SqlWhereOptions,
  bind: (value: unknown) => string,
  docFor: (field: JsonPointer) => string,
): string {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw badRequest('Query filter values cannot contain NUL characters', { value });
  }
  const [first] = field;
  if (first !== undefined && field.length === 1) {
    if (first === '_id' || first === '_rev') {
      // `_id` and `_rev` are strings in CREST; `rev::text` keeps `_rev` comparisons textual like the evaluator.
      if (typeof value !== 'string') return 'FALSE';
      return textComparison(operator, first === '_id' ? 'id' : '(rev::text)', value, bind);
    }
    const column = options.textColumns?.get(first);
    if (column !== undefined && typeof value === 'string')
      return textComparison(operator, column, value, bind);
    if (options.searchable.get(first) === 'string' && typeof value === 'string') {
      const guard = `jsonb_typeof(doc->${quoteLiteral(first)}) = 'string'`;
      return `(${textComparison(operator, stringPropertySql(first), value, bind)} AND ${guard})`;
    }
  }
  return pathComparison(operator, field, value, bind, docFor);
}

function textComparison(
  operator: ComparisonOperator,
  column: string,
  value: string,
  bind: (value: unknown) => string,
): string {
  switch (operator) {
    case 'eq':
      return `${column} = ${bind(value)}`;
    case 'sw':
      return `${column} LIKE ${bind(`${escapeLike(value)}%`)}`;
    case 'co':
      return `${column} LIKE ${bind(`%${escapeLike(value)}%`)}`;
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return `${column} ${SQL_COMPARATORS[operator]} ${bind(value)}`;
  }
}

/** LIKE's default escape character is `\`; escaping it and the wildcards makes the value literal. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function pathComparison(
  operator: ComparisonOperator,
  field: JsonPointer,
  value: FilterValue,
  bind: (value: unknown) => string,
  docFor: (field: JsonPointer) => string,
): string {
  const type = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
  let predicate: string;
  if (operator === 'sw' || operator === 'co') {
    if (type !== 'string') return 'FALSE';
    // like_regex only takes a literal pattern; flag "q" makes the whole pattern literal text, so regex
    // metacharacters in the value are inert and only the jsonpath string escaping matters.
    predicate =
      operator === 'sw' ? '@ starts with $v' : `@ like_regex ${jsonPathString(String(value))} flag "q"`;
  } else {
    if (type === 'boolean' && operator !== 'eq') return 'FALSE';
    predicate = `@ ${PATH_COMPARATORS[operator]} $v`;
  }
  // The filter unwraps one array level in lax mode; the type test stops comparisons from unwrapping nested
  // arrays and from matching across JSON types.
  const path = `${jsonPathOf('lax', field)} ? (@.type() == "${type}" && ${predicate})`;
  return `jsonb_path_exists(${docFor(field)}, ${bind(path)}::jsonpath, ${bind(JSON.stringify({ v: value }))}::jsonb)`;
}
