import { textListParam } from '../../../src/persistence/text-list.param';
import { openTestDatabase, REPO_KINDS, type TestDatabase } from './test-database';

describe.each(REPO_KINDS)('a list of texts as one parameter, on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });

  afterAll(async () => {
    await database.destroy();
  });

  /** What PostgreSQL reads back, item by item and in order. */
  async function roundTrip(items: readonly (string | null)[]): Promise<(string | null)[]> {
    const list = textListParam(items);
    const rows = await database.db.query<{ item: string | null }>(
      `SELECT item FROM unnest(${list.sql(1)}) WITH ORDINALITY AS t(item, n) ORDER BY n`,
      [list.value],
    );
    return rows.map((row) => row.item);
  }

  it.each([
    ['ids', ['8d3f-1', '8d3f-2', '8d3f-3']],
    [
      'JSON texts with quotes, backslashes and escapes',
      ['{"diff":[{"a":"x\\"y"}]}', '{"b":"c:\\\\d\\u0001"}'],
    ],
    ['nulls between texts', ['{"a":1}', null, '{"b":2}', null]],
    ['tabs, newlines, commas, braces and non-ASCII', ['a\tb\nc', 'x,y', '{z}', 'Zoë ✓ 日本']],
    ['one text', ['only']],
    ['one null', [null]],
    ['empty texts, which the joined form could not tell from nulls', ['', 'a', null, '']],
    ['a text holding the separator itself', ['a\u0001b', 'c']],
  ])('reads %s back exactly', async (_what, items) => {
    expect(await roundTrip(items)).toEqual(items);
  });

  it('sends a list as one joined text where it can, with no quoting', () => {
    expect(textListParam(['a"b', 'c\\d', null]).value).toBe('a"b\u0001c\\d\u0001');
    expect(textListParam(['', 'x']).value).toEqual(['', 'x']);
  });
});
