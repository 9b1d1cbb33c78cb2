import type { QueryRequest } from '../../../src/core/crest/query-request';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';
import {
  buildOrderAndPage,
  buildSqlWhere,
  escapeLike,
  searchableIndexSql,
} from '../../../src/persistence/query-filter.sql';
import { quoteLiteral } from '../../../src/persistence/searchable-index.sql';

const searchable = new Map([
  ['userName', 'string'],
  ['age', 'number'],
]);
const where = (text: string, paramOffset = 0) =>
  buildSqlWhere(parseQueryFilter(text), { paramOffset, searchable });

function placeholders(sql: string): number[] {
  return [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

describe('buildSqlWhere (SQL text)', () => {
  it.each([
    [
      'userName eq "bjensen"',
      `((doc->>'userName') = $1 AND jsonb_typeof(doc->'userName') = 'string')`,
      ['bjensen'],
    ],
    [
      'userName sw "a%b_c\\\\"',
      `((doc->>'userName') LIKE $1 AND jsonb_typeof(doc->'userName') = 'string')`,
      ['a\\%b\\_c\\\\%'],
    ],
    ['userName co "x"', `((doc->>'userName') LIKE $1 AND jsonb_typeof(doc->'userName') = 'string')`, ['%x%']],
    ['userName gt "m"', `((doc->>'userName') ~>~ $1 AND jsonb_typeof(doc->'userName') = 'string')`, ['m']],
    ['userName le "m"', `((doc->>'userName') ~<=~ $1 AND jsonb_typeof(doc->'userName') = 'string')`, ['m']],
    ['_id eq "x"', 'id = $1', ['x']],
    ['_id sw "x"', 'id LIKE $1', ['x%']],
    ['_rev eq "2"', '(rev::text) = $1', ['2']],
    ['_id eq 5', 'FALSE', []],
    ['_id pr', 'TRUE', []],
    ['true', 'TRUE', []],
    ['false', 'FALSE', []],
    ['age sw 4', 'FALSE', []],
    ['active gt true', 'FALSE', []],
    [
      'age gt 40',
      'jsonb_path_exists(doc, $1::jsonpath, $2::jsonb)',
      ['lax $."age" ? (@.type() == "number" && @ > $v)', '{"v":40}'],
    ],
    [
      'userName eq 5',
      'jsonb_path_exists(doc, $1::jsonpath, $2::jsonb)',
      ['lax $."userName" ? (@.type() == "number" && @ == $v)', '{"v":5}'],
    ],
    [
      '/a/b sw "x"',
      'jsonb_path_exists(doc, $1::jsonpath, $2::jsonb)',
      ['lax $."a"."b" ? (@.type() == "string" && @ starts with $v)', '{"v":"x"}'],
    ],
    [
      'note co "a\\"b\\\\c.*"',
      'jsonb_path_exists(doc, $1::jsonpath, $2::jsonb)',
      [
        'lax $."note" ? (@.type() == "string" && @ like_regex "a\\"b\\\\c.*" flag "q")',
        '{"v":"a\\"b\\\\c.*"}',
      ],
    ],
  ] as [string, string, unknown[]][])('%s', (text, sql, params) => {
    expect(where(text)).toEqual({ sql, params });
  });

  it('quotes awkward pointer tokens as jsonpath member names', () => {
    expect(where('/we\\i$r*d.x pr').params).toEqual(['lax $."we\\\\i$r*d.x".type() ? (@ != "null")']);
  });

  it('combines with parentheses and makes negation NULL-safe', () => {
    expect(where('userName eq "a" or !(_id eq "b" and true)').sql).toBe(
      `(((doc->>'userName') = $1 AND jsonb_typeof(doc->'userName') = 'string') OR (((id = $2 AND TRUE)) IS NOT TRUE))`,
    );
  });

  it('numbers placeholders from the offset given, contiguously, and keeps every value out of the SQL text', () => {
    const values = ["' OR 1=1 --", 'robert"); DROP TABLE x;--', '$v) OR (', 'a)b', 'c\\d', '%_'];
    const text = values
      .map(
        (v, i) => `f${i} eq "${v.replace(/["\\]/g, '\\$&')}" or userName co "${v.replace(/["\\]/g, '\\$&')}"`,
      )
      .join(' and ');
    const result = where(text, 3);
    const used = placeholders(result.sql);
    expect(used).toEqual(result.params.map((_, i) => i + 4));
    for (const value of values) expect(result.sql).not.toContain(value);
  });

  it('refuses extended operators and NUL characters with 400s', () => {
    expect(() => where('a ew "x"')).toThrow("Unsupported query operator 'ew'");
    expect(() => where('a eq "x\u0000"')).toThrow(/NUL/);
    expect(() => where('userName eq "x\u0000"')).toThrow(/NUL/);
  });
});

describe('escapeLike / quoteLiteral', () => {
  it.each([
    ['plain', 'plain'],
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['c:\\x', 'c:\\\\x'],
  ])('escapeLike(%j) = %j', (value, escaped) => expect(escapeLike(value)).toBe(escaped));

  it.each([
    ['userName', "'userName'"],
    ["it's", "'it''s'"],
    ['a\\b', "E'a\\\\b'"],
    ["'\\", "E'''\\\\'"],
  ])('quoteLiteral(%j) = %s', (text, literal) => expect(quoteLiteral(text)).toBe(literal));
});

describe('searchableIndexSql', () => {
  it('indexes the same expression the filters use, for prefix searches', () => {
    expect(searchableIndexSql('user', 'userName')).toMatch(
      /^CREATE INDEX IF NOT EXISTS "mo_idx_user_username_[0-9a-f]{10}" ON managed_objects \(object_type, \(doc->>'userName'\) text_pattern_ops\)$/,
    );
  });

  it('gives distinct, bounded names even when the readable parts collide', () => {
    const names = [
      searchableIndexSql('user', 'user-name'),
      searchableIndexSql('user', 'user_name'),
      searchableIndexSql('user', 'User Name'),
      searchableIndexSql('role', 'user_name'),
      searchableIndexSql('x'.repeat(100), 'y'.repeat(100)),
    ].map((sql) => /"([^"]+)"/.exec(sql)?.[1] ?? '');
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(63);
  });

  it('quotes property names from config as SQL literals', () => {
    expect(searchableIndexSql('user', "o'x\\y")).toContain("(doc->>E'o''x\\\\y') text_pattern_ops");
  });
});

describe('buildOrderAndPage (SQL text)', () => {
  const request = (extra: Partial<QueryRequest>): QueryRequest => ({
    filter: { type: 'true' },
    idsOnly: false,
    fields: [],
    pageSize: 0,
    pagedResultsOffset: 0,
    sortKeys: [],
    totalPagedResultsPolicy: 'NONE',
    ...extra,
  });

  it('orders by id alone, without limits, when nothing is asked', () => {
    const page = buildOrderAndPage(request({}), 2);
    expect(page).toMatchObject({
      keysetSql: 'TRUE',
      orderBySql: 'ORDER BY id ASC',
      limitSql: '',
      params: [],
    });
  });

  it('fetches one row more than the page size, after the caller placeholders', () => {
    const page = buildOrderAndPage(
      request({ pageSize: 10, pagedResultsOffset: 20, sortKeys: [{ field: ['sn'], ascending: false }] }),
      2,
    );
    expect(page.orderBySql).toBe(`ORDER BY COALESCE(doc -> $3::text, 'null'::jsonb) DESC, id ASC`);
    expect(page.limitSql).toBe('LIMIT $4 OFFSET $5');
    expect(page.params).toEqual(['sn', 11, 20]);
  });

  it('hands out a cookie only when more rows were fetched than the page holds', () => {
    const page = buildOrderAndPage(
      request({ pageSize: 2, sortKeys: [{ field: ['sn'], ascending: true }] }),
      0,
    );
    const rows = [1, 2, 3].map((i) => ({ id: `id${i}`, rev: 0, doc: { sn: `s${i}` } }));
    const full = page.page(rows);
    expect(full.rows.map((r) => r.id)).toEqual(['id1', 'id2']);
    expect(JSON.parse(Buffer.from(full.nextCookie ?? '', 'base64url').toString())).toEqual({
      k: '+["sn"]',
      v: ['s2'],
      id: 'id2',
    });
    expect(page.page(rows.slice(0, 2)).nextCookie).toBeNull();
  });
});
