import { Client } from 'pg';
import { DomainError } from '../../../src/core/errors/domain-error';
import { evaluateFilter } from '../../../src/core/query-filter/query-filter.evaluator';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';
import { buildSqlWhere, searchableIndexSql } from '../../../src/persistence/query-filter.sql';
import { DOCUMENTS } from './query-filter.documents';

const SCHEMA = `qf_sql_${process.pid}_${Date.now()}`;
const SEARCHABLE = new Map([
  ['userName', 'string'],
  ['mail', 'string'],
  ['sn', 'string'],
  ['givenName', 'string'],
  ['age', 'number'],
  ['tags', 'array'],
]);

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
  // Another type that matches everything: queries must stay within their type.
  await client.query('INSERT INTO managed_objects VALUES ($1, $2, $3, $4)', [
    'role',
    'id-01',
    0,
    DOCUMENTS[0]?.doc,
  ]);
  for (const property of ['userName', 'mail', 'sn', 'givenName']) {
    await client.query(searchableIndexSql('user', property));
  }
});

afterAll(async () => {
  await client.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await client.end();
});

async function sqlIds(filterText: string): Promise<string[]> {
  const where = buildSqlWhere(parseQueryFilter(filterText), { paramOffset: 1, searchable: SEARCHABLE });
  const result = await client.query<{ id: string }>(
    `SELECT id FROM managed_objects WHERE object_type = $1 AND (${where.sql}) ORDER BY id`,
    ['user', ...where.params],
  );
  return result.rows.map((row) => row.id);
}

function memoryIds(filterText: string): string[] {
  const filter = parseQueryFilter(filterText);
  return DOCUMENTS.filter(({ id, rev, doc }) =>
    evaluateFilter(filter, { ...doc, _id: id, _rev: String(rev) }),
  )
    .map(({ id }) => id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const FILTERS = [
  'true',
  'false',
  '_id eq "id-03"',
  '_id sw "id-1"',
  '_id co "quote"',
  '_id gt "id-25"',
  '_id le "id-02"',
  '_id eq 3',
  '_id pr',
  '_rev eq "3"',
  '_rev gt "5"',
  // declared string properties (index path)
  'userName eq "bjensen"',
  'userName eq "BJensen"',
  'userName sw "bj"',
  'userName sw "BJ"',
  'userName sw "100%"',
  'userName sw "100%_"',
  'userName co "%"',
  'userName co "_"',
  'userName co "x r"',
  'userName sw ""',
  'userName gt "zo"',
  'userName ge "zoe"',
  'userName lt "B"',
  'userName le "jane.doe"',
  'userName eq "12345"',
  'userName eq 12345',
  'userName gt 100',
  'userName pr',
  'userName eq "o\'brien"',
  "userName eq 'o\\'brien'",
  'userName eq "say \\"hi\\""',
  'userName eq "back\\\\slash"',
  'userName co "\\\\"',
  'givenName eq "Zoë"',
  'givenName gt "Zoe"',
  'givenName pr',
  'mail sw "prefix_"',
  'mail co "@example."',
  'sn eq "O\'Brien"',
  'sn eq "\\") || true || (\\""',
  'sn lt "Z"',
  'sn ge "Ü"',
  // everything else (SQL/JSON path)
  'age eq 42',
  'age eq 42.0',
  'age eq "42"',
  'age gt 40',
  'age ge 42.5',
  'age lt 0',
  'age le -42.25',
  'age gt 9007199254740990',
  'age sw 4',
  'age pr',
  'score lt 0',
  'score gt 0.0000001',
  'active eq true',
  'active eq false',
  'active eq "true"',
  'active gt false',
  'flags eq false',
  'tags eq "staff"',
  'tags eq "Staff"',
  'tags eq 42',
  'tags eq "42"',
  'tags eq "admin"',
  'tags eq true',
  'tags sw "a"',
  'tags co "%"',
  'tags pr',
  '/tags/name eq "y"',
  '/tags/name pr',
  'matrix eq 3',
  'matrix pr',
  'manager pr',
  'description eq ""',
  'description co "\\"double\\""',
  'description co "%"',
  'description co "_"',
  'description co "50% off"',
  'description co "\\\\Users"',
  'description eq "\' OR 1=1 --"',
  'description co "\' OR 1=1 --"',
  'description co "line\nbreak"',
  'description sw "C:"',
  'city eq "Zürich"',
  'city gt "Zz"',
  'city eq "$v"',
  'city co "$"',
  'city sw "$"',
  'emoji gt "\uFFFD"',
  'emoji lt "😀"',
  'note eq "a)b(c"',
  'note co ")"',
  'regex eq ".*+?^${}()|[]\\\\"',
  'regex co ".*"',
  'regex co "|[]"',
  'description co ".*"',
  'description co "\\" || true || \\""',
  'description co "\\") || @ == @ || (\\""',
  'sn co "\\") || true || (\\""',
  '/address/city eq "Paris"',
  '/address/city co "ar"',
  '/address/city pr',
  '/address/zip eq 75002',
  '/address/zip eq "75001"',
  '/address/geo/lat gt 48',
  '/address/geo pr',
  'address pr',
  '/emails/value eq "b@example.net"',
  '/emails/value sw "a@"',
  '/emails/primary eq true',
  '/emails/primary pr',
  'emails eq "plain-string"',
  '/emails/0/value pr',
  '/a/b/c/d eq "deep value"',
  '/a/b/c pr',
  '/a~1b eq "slash key"',
  '/c~0d eq "tilde key"',
  '/dot.key eq "dotted"',
  '/$dollar eq "cash"',
  '/we\\ird eq "bs"',
  '/ pr',
  'missing eq "x"',
  'missing pr',
  // boolean structure, including negation over absent fields
  '!(missing eq "x")',
  '!(userName eq "bjensen")',
  '!(mail sw "b")',
  '!(age gt 40)',
  '!(tags pr)',
  '!(!(tags pr))',
  '!true',
  'userName sw "j" and age lt 30',
  'userName sw "j" or age gt 60',
  'userName sw "z" and (givenName eq "Zoë" or city eq "Zurich")',
  '!(userName sw "z" and age eq 18) and sn pr',
  '(mail pr or tags pr) and !(active eq true)',
  'age gt 0 and age lt 50 and !(tags eq "staff")',
];

describe('buildSqlWhere against PostgreSQL', () => {
  it.each(FILTERS)('%s selects what evaluateFilter selects', async (filterText) => {
    expect(await sqlIds(filterText)).toEqual(memoryIds(filterText));
  });

  it('finds documents through the filters at all (the comparison is not vacuous)', async () => {
    const nonEmpty = FILTERS.filter((text) => memoryIds(text).length > 0);
    expect(nonEmpty.length).toBeGreaterThan(FILTERS.length * 0.6);
    expect(await sqlIds('userName sw "100%"')).toEqual(['id-08']);
    expect(await sqlIds('description co "_"')).toEqual(['id-08']);
    expect(await sqlIds('description eq "\' OR 1=1 --"')).toEqual(['id-20']);
  });

  it.each([
    `userName eq "' OR 1=1 --"`,
    `userName eq "x'); DROP TABLE managed_objects; --"`,
    `description co "x\\" flag \\"i\\") || true || (@ like_regex \\"x"`,
    `description co "\\\\"`,
    `/a.b||$.c[*] eq "z"`,
    `userName sw "%"`,
    `userName co "$1"`,
    `city eq "$v) || true || ($v"`,
  ])('keeps the injection attempt %s inert', async (filterText) => {
    const ids = await sqlIds(filterText);
    expect(ids).toEqual(memoryIds(filterText));
    expect(ids.length).toBeLessThan(DOCUMENTS.length);
    const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM managed_objects');
    expect(Number(count.rows[0]?.n)).toBe(DOCUMENTS.length + 1);
  });

  it('refuses extended operators with a 400', () => {
    expect(() =>
      buildSqlWhere(parseQueryFilter('mail ew "example.com"'), { paramOffset: 1, searchable: SEARCHABLE }),
    ).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        message: "Unsupported query operator 'ew'",
      }) as DomainError,
    );
  });
});
