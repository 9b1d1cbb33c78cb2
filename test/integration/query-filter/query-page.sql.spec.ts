import { Client } from 'pg';
import { parseQueryParams } from '../../../src/core/crest/query-params.parser';
import type { QueryRequest } from '../../../src/core/crest/query-request';
import { DomainError } from '../../../src/core/errors/domain-error';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';
import {
  buildManagedObjectSelect,
  buildSqlWhere,
  searchableIndexSql,
} from '../../../src/persistence/query-filter.sql';
import { DOCUMENTS } from './query-filter.documents';

const SCHEMA = `qf_page_${process.pid}_${Date.now()}`;
const SEARCHABLE = new Map([
  ['userName', 'string'],
  ['mail', 'string'],
]);

interface Row {
  id: string;
  rev: string;
  doc: Record<string, unknown>;
}

let client: Client;

beforeAll(async () => {
  client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  await client.query(`CREATE SCHEMA ${SCHEMA}`);
  await client.query(`SET search_path TO ${SCHEMA}`);
  await client.query(
    'CREATE TABLE managed_objects (object_type text NOT NULL, id text NOT NULL, rev bigint NOT NULL, doc jsonb NOT NULL, PRIMARY KEY (object_type, id))',
  );
  for (const { id, rev, doc } of DOCUMENTS) {
    await client.query('INSERT INTO managed_objects VALUES ($1, $2, $3, $4)', ['user', id, rev, doc]);
  }
});

afterAll(async () => {
  await client.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await client.end();
});

async function run(request: QueryRequest): Promise<{ rows: Row[]; nextCookie: string | null }> {
  const select = buildManagedObjectSelect('user', request, SEARCHABLE);
  const result = await client.query<Row>(select.sql, select.params);
  return select.page.page(result.rows);
}

async function allPages(params: Record<string, string>, pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cookie: string | null = null;
  do {
    const request = parseQueryParams({
      ...params,
      _pageSize: String(pageSize),
      ...(cookie ? { _pagedResultsCookie: cookie } : {}),
    });
    const page = await run(request);
    pages.push(page.rows.map((row) => row.id));
    cookie = page.nextCookie;
    expect(pages.length).toBeLessThanOrEqual(DOCUMENTS.length + 1);
  } while (cookie !== null);
  return pages;
}

describe('buildOrderAndPage against PostgreSQL', () => {
  const sorts = [
    '',
    '-age,+userName',
    'sn,-givenName',
    '/address/city,-_id',
    '-_rev,mail',
    'tags,-/a/b/c/d',
    '_id',
    '-sn,-_id,mail',
    '-_id',
  ];

  it.each(sorts.flatMap((sortKeys) => [1, 4, 7].map((size): [string, number] => [sortKeys, size])))(
    '_sortKeys=%j in pages of %i returns every row exactly once, in order',
    async (sortKeys, pageSize) => {
      const params = { _queryFilter: 'true', ...(sortKeys ? { _sortKeys: sortKeys } : {}) };
      const everything = (await run(parseQueryParams(params))).rows.map((row) => row.id);
      expect(new Set(everything).size).toBe(DOCUMENTS.length);

      const pages = await allPages(params, pageSize);
      expect(pages.flat()).toEqual(everything);
      expect(pages.slice(0, -1).every((page) => page.length === pageSize)).toBe(true);
    },
  );

  it('orders numbers descending, then strings, then documents without the field, ties by id', async () => {
    const rows = (await run(parseQueryParams({ _queryFilter: 'true', _sortKeys: '-age,userName' }))).rows;
    const ages = rows.map((row) => row.doc['age']);
    const numbers = ages.filter((age): age is number => typeof age === 'number');
    expect(ages.slice(0, numbers.length)).toEqual([...numbers].sort((a, b) => b - a));
    expect(ages.slice(numbers.length, numbers.length + 1)).toEqual(['42']);
    expect(ages.slice(numbers.length + 1).every((age) => age === undefined)).toBe(true);
    const eighteen = rows.filter((row) => row.doc['age'] === 18).map((row) => row.doc['userName']);
    expect(eighteen).toEqual(['zoe', 'zoë']);
  });

  it('pages a filtered query, and with _pagedResultsOffset skips rows then continues by cookie', async () => {
    const params = { _queryFilter: 'age pr', _sortKeys: '-age' };
    const everything = (await run(parseQueryParams(params))).rows.map((row) => row.id);
    expect((await allPages(params, 3)).flat()).toEqual(everything);

    const offsetPage = await run(parseQueryParams({ ...params, _pageSize: '4', _pagedResultsOffset: '5' }));
    expect(offsetPage.rows.map((row) => row.id)).toEqual(everything.slice(5, 9));
    const next = await run(
      parseQueryParams({ ...params, _pageSize: '100', _pagedResultsCookie: offsetPage.nextCookie ?? '' }),
    );
    expect(next.rows.map((row) => row.id)).toEqual(everything.slice(9));
    expect(next.nextCookie).toBeNull();
  });

  it('returns no cookie without a page size or on the last page', async () => {
    expect((await run(parseQueryParams({ _queryFilter: 'true' }))).nextCookie).toBeNull();
    const exact = await run(parseQueryParams({ _queryFilter: 'true', _pageSize: String(DOCUMENTS.length) }));
    expect(exact.rows).toHaveLength(DOCUMENTS.length);
    expect(exact.nextCookie).toBeNull();
  });

  it('does not repeat or skip rows when a row is inserted before the cursor between pages', async () => {
    const params = { _queryFilter: 'true', _sortKeys: 'userName', _pageSize: '10' };
    const first = await run(parseQueryParams(params));
    await client.query('INSERT INTO managed_objects VALUES ($1, $2, $3, $4)', [
      'user',
      'early',
      0,
      { userName: '0' },
    ]);
    try {
      const rest = await run(
        parseQueryParams({ ...params, _pageSize: '100', _pagedResultsCookie: first.nextCookie ?? '' }),
      );
      const ids = [...first.rows, ...rest.rows].map((row) => row.id);
      expect(new Set(ids).size).toBe(DOCUMENTS.length);
      expect(ids).not.toContain('early');
    } finally {
      await client.query("DELETE FROM managed_objects WHERE id = 'early'");
    }
  });

  const forged = (content: unknown): string => Buffer.from(JSON.stringify(content)).toString('base64url');
  it.each([
    ['not base64', 'not a cookie!', 'sn'],
    ['not JSON', Buffer.from('{nope').toString('base64url'), 'sn'],
    ['made for other sort keys', forged({ k: '+["mail"]', v: ['x'], id: 'a' }), 'sn'],
    ['with too few values', forged({ k: '+["sn"]', v: [], id: 'a' }), 'sn'],
    ['with a non-numeric revision', forged({ k: '-["_rev"]', v: ['1 OR 1=1'], id: 'a' }), '-_rev'],
    ['with a NUL', forged({ k: '+["sn"]', v: ['\u0000'], id: 'a' }), 'sn'],
  ])('refuses a cookie %s with a 400', async (_name, cookie, sortKeys) => {
    const request = parseQueryParams({
      _queryFilter: 'true',
      _sortKeys: sortKeys,
      _pagedResultsCookie: cookie,
    });
    await expect(run(request)).rejects.toThrow(DomainError);
    await expect(run(request)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('searchable string properties use their index', () => {
  beforeAll(async () => {
    await client.query(
      `INSERT INTO managed_objects
       SELECT 'user', 'bulk-' || g, 0, jsonb_build_object('userName', 'user' || g, 'mail', 'u' || g || '@example.com')
       FROM generate_series(1, 5000) AS g`,
    );
    for (const property of SEARCHABLE.keys()) await client.query(searchableIndexSql('user', property));
    await client.query('ANALYZE managed_objects');
  });

  async function plan(filterText: string): Promise<string> {
    const where = buildSqlWhere(parseQueryFilter(filterText), { paramOffset: 1, searchable: SEARCHABLE });
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id, rev, doc FROM managed_objects WHERE object_type = $1 AND (${where.sql})`,
      ['user', ...where.params],
    );
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it.each(['userName eq "user4242"', 'userName sw "user424"', 'mail sw "u42@"', 'userName gt "user9998"'])(
    '%s is an index scan',
    async (filterText) => {
      const text = await plan(filterText);
      const index = /mo_idx_user_(username|mail)_[0-9a-f]{10}/.exec(
        searchableIndexSql('user', filterText.split(' ')[0] ?? ''),
      )?.[0];
      expect(text).toMatch(/Index Scan|Bitmap Index Scan/);
      expect(text).toContain(index);
      expect(text).not.toContain('Seq Scan');
    },
  );

  it('makes index statements idempotent and safe for awkward property names', async () => {
    await client.query(searchableIndexSql('user', 'userName'));
    const awkward = searchableIndexSql('user', `it's a "weird" \\ name`);
    await client.query(awkward);
    await client.query(awkward);
    const rows = await client.query<{ indexdef: string }>(
      'SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE $2',
      [SCHEMA, 'mo_idx_user_it_s_a_weird_name_%'],
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.indexdef).toContain('text_pattern_ops');
  });
});
