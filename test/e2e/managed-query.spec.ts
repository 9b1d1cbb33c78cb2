import { startConcord, type RepoKind, type TestConcord } from '../support/concord-app';
import { factory } from '../support/factory';
import { expectCrestError } from './crest-expect';

const USERS = '/openidm/managed/user';

/** The people every query below runs over; `userName` is what the assertions compare. */
const PEOPLE: Array<Record<string, unknown>> = [
  {
    userName: 'alice',
    sn: 'Martin',
    age: 30,
    score: 1.5,
    active: true,
    address: { city: 'Paris' },
    tags: ['admin', 'dev'],
    nickname: 'Al',
    description: 'say "hi"',
  },
  {
    userName: 'bob',
    sn: 'Barker',
    age: 25,
    score: 2,
    active: false,
    address: { city: 'Berlin' },
    tags: ['dev'],
    description: "it's",
  },
  {
    userName: 'carol',
    sn: 'Carter',
    age: 41,
    active: true,
    address: { city: 'Paris' },
    tags: [],
    nickname: 'Caz',
  },
  { userName: 'dave', sn: 'Darby', age: 100, active: true, tags: ['ops'], description: 'back\\slash' },
  { userName: 'a_b', sn: 'Under', age: 7 },
  { userName: 'axb', sn: 'Letter', age: 8 },
  { userName: '100%', sn: 'Percent' },
];

const ALL = PEOPLE.map((person) => person.userName as string);

const FILTERS: Array<[string, string[]]> = [
  ['true', ALL],
  ['false', []],
  ['userName eq "alice"', ['alice']],
  ['/userName eq "alice"', ['alice']],
  ['userName EQ "alice"', ['alice']],
  ["userName eq 'bob'", ['bob']],
  ['sn co "rt"', ['alice', 'carol']],
  ['userName sw "a"', ['a_b', 'alice', 'axb']],
  ['userName sw "a_"', ['a_b']],
  ['userName co "%"', ['100%']],
  ['age gt 30', ['carol', 'dave']],
  ['age ge 30', ['alice', 'carol', 'dave']],
  ['age lt 30', ['a_b', 'axb', 'bob']],
  ['age le 30', ['a_b', 'alice', 'axb', 'bob']],
  ['age eq 100', ['dave']],
  ['score eq 1.5', ['alice']],
  ['score ge 1.5', ['alice', 'bob']],
  ['active eq true', ['alice', 'carol', 'dave']],
  ['active eq false', ['bob']],
  ['nickname pr', ['alice', 'carol']],
  ['!(nickname pr)', ['100%', 'a_b', 'axb', 'bob', 'dave']],
  ['address/city eq "Paris"', ['alice', 'carol']],
  ['/address/city eq "Berlin"', ['bob']],
  ['tags eq "dev"', ['alice', 'bob']],
  ['tags sw "op"', ['dave']],
  ['description eq "say \\"hi\\""', ['alice']],
  ["description eq 'it\\'s'", ['bob']],
  ['description eq "back\\\\slash"', ['dave']],
  ['age gt 20 and active eq true', ['alice', 'carol', 'dave']],
  ['userName eq "bob" or userName eq "carol"', ['bob', 'carol']],
  ['userName eq "bob" or userName eq "carol" and age gt 100', ['bob']],
  ['(userName eq "bob" or userName eq "carol") and age gt 30', ['carol']],
  ['!(age gt 20) and age pr', ['a_b', 'axb']],
  ['! userName sw "a"', ['100%', 'bob', 'carol', 'dave']],
  ['true and !false', ALL],
];

interface QueryBody {
  result: Array<Record<string, unknown>>;
  resultCount: number;
  pagedResultsCookie: string | null;
  totalPagedResultsPolicy: string;
  totalPagedResults: number;
  remainingPagedResults: number;
}

describe.each<RepoKind>(['postgres', 'embedded'])('managed object queries (%s repository)', (repo) => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo });
    for (const person of PEOPLE) {
      const res = await t.admin('post', `${USERS}?_action=create`).send(factory.managedUser(person));
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.destroy();
  });

  async function query(params: Record<string, string>): Promise<QueryBody> {
    const res = await t.admin('get', USERS).query(params);
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
    return res.body as QueryBody;
  }

  const names = (body: QueryBody): string[] => body.result.map((item) => item.userName as string);

  it.each(FILTERS)('_queryFilter=%s', async (filter, expected) => {
    const body = await query({ _queryFilter: filter, _fields: 'userName' });
    expect(names(body).sort()).toEqual([...expected].sort());
    expect(body.resultCount).toBe(expected.length);
  });

  it('answers in the CREST query shape (§7.4)', async () => {
    const body = await query({ _queryFilter: 'userName eq "alice"', _fields: 'userName,mail' });
    expect(Object.keys(body).sort()).toEqual(
      [
        'pagedResultsCookie',
        'remainingPagedResults',
        'result',
        'resultCount',
        'totalPagedResults',
        'totalPagedResultsPolicy',
      ].sort(),
    );
    expect(body).toEqual({
      result: [
        { _id: expect.any(String), _rev: expect.any(String), userName: 'alice', mail: expect.any(String) },
      ],
      resultCount: 1,
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    });
  });

  it('without _fields returns whole objects, with the default accountStatus', async () => {
    const body = await query({ _queryFilter: 'userName eq "carol"' });
    expect(body.result[0]).toMatchObject({
      userName: 'carol',
      sn: 'Carter',
      age: 41,
      accountStatus: 'active',
    });
  });

  it('_queryId=query-all-ids returns only _id and _rev of every object', async () => {
    const body = await query({ _queryId: 'query-all-ids' });
    expect(body.resultCount).toBe(PEOPLE.length);
    for (const item of body.result) {
      expect(Object.keys(item).sort()).toEqual(['_id', '_rev']);
    }
  });

  it('_pageSize with _pagedResultsCookie walks every object exactly once', async () => {
    const seen: string[] = [];
    let cookie: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { _queryFilter: 'true', _pageSize: '3', _fields: 'userName' };
      if (cookie !== null) params._pagedResultsCookie = cookie;
      const body = await query(params);
      pages += 1;
      expect(body.result.length).toBeLessThanOrEqual(3);
      seen.push(...names(body));
      cookie = body.pagedResultsCookie;
      expect(pages).toBeLessThanOrEqual(PEOPLE.length);
    } while (cookie !== null);
    expect(seen.sort()).toEqual([...ALL].sort());
    expect(pages).toBe(Math.ceil(PEOPLE.length / 3));
  });

  it('paging follows _sortKeys across pages', async () => {
    const seen: string[] = [];
    let cookie: string | null = null;
    do {
      const params: Record<string, string> = { _queryFilter: 'age pr', _pageSize: '2', _sortKeys: '-age' };
      if (cookie !== null) params._pagedResultsCookie = cookie;
      const body = await query(params);
      seen.push(...names(body));
      cookie = body.pagedResultsCookie;
    } while (cookie !== null);
    expect(seen).toEqual(['dave', 'carol', 'alice', 'bob', 'axb', 'a_b']);
  });

  it('_pagedResultsOffset skips that many sorted objects', async () => {
    const body = await query({
      _queryFilter: 'true',
      _sortKeys: 'userName',
      _pageSize: '2',
      _pagedResultsOffset: '2',
    });
    const sorted = [...ALL].sort();
    expect(names(body)).toEqual(sorted.slice(2, 4));
  });

  it('_sortKeys sorts ascending, descending, numerically and by several keys', async () => {
    expect(names(await query({ _queryFilter: 'age pr', _sortKeys: 'age' }))).toEqual([
      'a_b',
      'axb',
      'bob',
      'alice',
      'carol',
      'dave',
    ]);
    expect(names(await query({ _queryFilter: 'age pr', _sortKeys: '-age' }))).toEqual([
      'dave',
      'carol',
      'alice',
      'bob',
      'axb',
      'a_b',
    ]);
    expect(names(await query({ _queryFilter: 'userName sw "a"', _sortKeys: '+userName' }))).toEqual([
      'a_b',
      'alice',
      'axb',
    ]);
    expect(names(await query({ _queryFilter: 'active pr', _sortKeys: '-active,sn' }))).toEqual([
      'carol',
      'dave',
      'alice',
      'bob',
    ]);
  });

  it('_totalPagedResultsPolicy=EXACT counts every match, not just the page', async () => {
    const body = await query({
      _queryFilter: 'age ge 25',
      _pageSize: '2',
      _totalPagedResultsPolicy: 'EXACT',
    });
    expect(body.resultCount).toBe(2);
    expect(body.totalPagedResults).toBe(4);
    expect(body.totalPagedResultsPolicy).toBe('EXACT');
    expect(body.pagedResultsCookie).not.toBeNull();
  });

  it('an invalid filter is 400 naming where it broke', async () => {
    const res = await t.admin('get', USERS).query({ _queryFilter: 'userName eq' });
    expectCrestError(res, 400);
    expect(res.body.message).toMatch(/position 11/);

    const unclosed = await t.admin('get', USERS).query({ _queryFilter: '(userName eq "a"' });
    expectCrestError(unclosed, 400);
    expect(unclosed.body.message).toMatch(/position/);

    const bare = await t.admin('get', USERS).query({ _queryFilter: 'userName eq alice' });
    expectCrestError(bare, 400);
  });

  it.each([
    ['_pageSize=abc', { _queryFilter: 'true', _pageSize: 'abc' }],
    ['_pageSize=-1', { _queryFilter: 'true', _pageSize: '-1' }],
    ['_pagedResultsOffset=x', { _queryFilter: 'true', _pagedResultsOffset: 'x' }],
    ['a forged cookie', { _queryFilter: 'true', _pageSize: '2', _pagedResultsCookie: 'not-a-cookie' }],
    ['no query at all', {}],
    ['two kinds of query', { _queryFilter: 'true', _queryId: 'query-all-ids' }],
    ['an unknown _queryId', { _queryId: 'no-such-query' }],
    ['an unknown policy', { _queryFilter: 'true', _totalPagedResultsPolicy: 'SOMETIMES' }],
  ])('%s is 400', async (_name, params) => {
    expectCrestError(await t.admin('get', USERS).query(params), 400);
  });
});
