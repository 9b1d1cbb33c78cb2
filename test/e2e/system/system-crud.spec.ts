import { factory } from '../../support/slapd.factory';
import { GROUPS, PEOPLE, q, startSystemTest, type SystemTestEnv } from './system.fixture';

let env: SystemTestEnv;
const accounts = '/openidm/system/ldap/account';
const groups = '/openidm/system/ldap/group';

beforeAll(async () => {
  const extra = Array.from({ length: 25 }, (_, i) =>
    factory.ldapEntry({ uid: `page${String(i).padStart(2, '0')}`, sn: 'Pager' }),
  ).join('');
  env = await startSystemTest({ ldif: extra });
});
afterAll(async () => env.destroy());

const admin = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) =>
  env.t.admin(method, path);
const idOf = async (uid: string): Promise<string> => {
  const res = await admin('get', `${accounts}?_queryFilter=${q(`uid eq "${uid}"`)}&_fields=uid`);
  expect(res.body.result).toHaveLength(1);
  return res.body.result[0]._id as string;
};

describe('reading the seed sample', () => {
  it('returns bjensen in the OpenIDM shape: every property, groups, null for absent, no password', async () => {
    const id = await idOf('bjensen');
    const res = await admin('get', `${accounts}/${id}`).expect(200);
    expect(res.body).toEqual({
      _id: id,
      dn: `uid=bjensen,${PEOPLE}`,
      uid: 'bjensen',
      cn: 'Barbara Jensen',
      sn: 'Jensen',
      givenName: 'Barbara',
      mail: 'bjensen@example.com',
      telephoneNumber: '1-360-229-7105',
      description: 'Created for OpenIDM',
      employeeType: null,
      ldapGroups: [`cn=openidm2,${GROUPS}`],
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('lists ids and DNs with query-all-ids', async () => {
    const res = await admin('get', `${accounts}?_queryId=query-all-ids`).expect(200);
    expect(res.body.resultCount).toBe(27);
    expect(res.body.pagedResultsCookie).toBeNull();
    expect(res.body.result).toContainEqual({ _id: await idOf('jdoe'), dn: `uid=jdoe,${PEOPLE}` });
    for (const item of res.body.result) expect(Object.keys(item).sort()).toEqual(['_id', 'dn']);
  });

  it('filters by IDM property names and returns only the requested _fields', async () => {
    const res = await admin(
      'get',
      `${accounts}?_queryFilter=${q('sn eq "Jensen" or (uid sw "jd" and mail co "example")')}&_fields=uid,mail`,
    ).expect(200);
    const found = (res.body.result as { uid: string }[]).map((o) => o.uid).sort();
    expect(found).toEqual(['bjensen', 'jdoe']);
    expect(Object.keys(res.body.result[0]).sort()).toEqual(['_id', 'mail', 'uid']);
    const none = await admin('get', `${accounts}?_queryFilter=${q('!(uid pr)')}`).expect(200);
    expect(none.body.result).toEqual([]);
  });

  it('reads the groups with their members, as arrays', async () => {
    const res = await admin('get', `${groups}?_queryFilter=${q('cn eq "openidm"')}`).expect(200);
    expect(res.body.result).toHaveLength(1);
    expect(res.body.result[0]).toMatchObject({ cn: ['openidm'], uniqueMember: [`uid=jdoe,${PEOPLE}`] });
  });

  it('pages with _pageSize and the cookie until the cookie is null, without repeats', async () => {
    const seen: string[] = [];
    let cookie: string | null = null;
    let pages = 0;
    do {
      const query = `_queryFilter=${q('sn eq "Pager"')}&_pageSize=10&_fields=uid`;
      const res = await admin(
        'get',
        `${accounts}?${query}${cookie ? `&_pagedResultsCookie=${encodeURIComponent(cookie)}` : ''}`,
      ).expect(200);
      seen.push(...(res.body.result as { uid: string }[]).map((o) => o.uid));
      expect(res.body.resultCount).toBe(res.body.result.length);
      cookie = res.body.pagedResultsCookie as string | null;
      pages++;
    } while (cookie);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('skips _pagedResultsOffset objects and refuses an unknown cookie with 400', async () => {
    const all = await admin('get', `${accounts}?_queryFilter=${q('sn eq "Pager"')}&_fields=uid`).expect(200);
    const skipped = await admin(
      'get',
      `${accounts}?_queryFilter=${q('sn eq "Pager"')}&_fields=uid&_pageSize=5&_pagedResultsOffset=20`,
    ).expect(200);
    expect(skipped.body.result).toEqual(all.body.result.slice(20));
    const bad = await admin('get', `${accounts}?_queryFilter=true&_pageSize=5&_pagedResultsCookie=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/cookie/i);
  });

  it('answers _sortKeys with 501 naming server-side sorting, and 400 for a field it cannot sort on', async () => {
    const res = await admin('get', `${accounts}?_queryFilter=true&_sortKeys=-sn`);
    expect(res.status).toBe(501);
    expect(res.body.message).toMatch(/server-side sorting/);
    expect((await admin('get', `${accounts}?_queryFilter=true&_sortKeys=ldapGroups`)).status).toBe(400);
  });
});

describe('writing', () => {
  it('creates with 201 and Location, renames on PUT keeping the id, patches and deletes', async () => {
    const created = await admin('post', `${accounts}?_action=create`)
      .send({
        dn: `uid=fdoe,${PEOPLE}`,
        uid: 'fdoe',
        cn: 'Frank Doe',
        sn: 'Doe',
        givenName: 'Frank',
        mail: 'fdoe@example.com',
        userPassword: 'Passw0rd!',
      })
      .expect(201);
    const id = created.body._id as string;
    expect(created.headers.location).toBe(`${accounts}/${id}`);
    expect(created.body).toMatchObject({ dn: `uid=fdoe,${PEOPLE}`, employeeType: null, ldapGroups: [] });
    expect(created.body).not.toHaveProperty('userPassword');
    await admin('post', `${accounts}/${id}?_action=authenticate`).expect(400);

    const renamed = await admin('put', `${accounts}/${id}`)
      .send({ ...created.body, dn: `uid=frank,${PEOPLE}`, uid: 'frank', description: 'renamed' })
      .expect(200);
    expect(renamed.body).toMatchObject({
      _id: id,
      dn: `uid=frank,${PEOPLE}`,
      uid: 'frank',
      description: 'renamed',
    });
    expect(await env.slapd.search(PEOPLE, '(uid=fdoe)')).toBe('');

    // Full replace: a property left out is removed.
    const { description: _dropped, ...withoutDescription } = renamed.body as Record<string, unknown>;
    const replaced = await admin('put', `${accounts}/${id}`).send(withoutDescription).expect(200);
    expect(replaced.body.description).toBeNull();

    const patched = await admin('patch', `${accounts}/${id}`)
      .send([{ operation: 'replace', field: '/telephoneNumber', value: '555-0100' }])
      .expect(200);
    expect(patched.body).toMatchObject({ _id: id, telephoneNumber: '555-0100', description: null });
    const viaAction = await admin('post', `${accounts}/${id}?_action=patch`)
      .send([{ operation: 'add', field: 'employeeType', value: 'contractor' }])
      .expect(200);
    expect(viaAction.body).toMatchObject({ telephoneNumber: '555-0100', employeeType: 'contractor' });
    expect(await env.slapd.search(PEOPLE, '(uid=frank)', ['employeeType'])).toMatch(
      /employeeType: contractor/,
    );

    const deleted = await admin('delete', `${accounts}/${id}`).expect(200);
    expect(deleted.body).toMatchObject({ _id: id, uid: 'frank' });
    expect((await admin('get', `${accounts}/${id}`)).status).toBe(404);
    expect(await env.slapd.search(PEOPLE, '(uid=frank)')).toBe('');
  });

  it('writes ldapGroups as group membership, on create and on patch', async () => {
    const created = await admin('post', accounts)
      .send({
        dn: `uid=gina,${PEOPLE}`,
        uid: 'gina',
        cn: 'Gina Group',
        sn: 'Group',
        ldapGroups: [`cn=openidm,${GROUPS}`],
      })
      .expect(201);
    const id = created.body._id as string;
    expect(created.body.ldapGroups).toEqual([`cn=openidm,${GROUPS}`]);
    expect(await env.slapd.search(`cn=openidm,${GROUPS}`, '(objectClass=*)', ['uniqueMember'])).toContain(
      `uniqueMember: uid=gina,${PEOPLE}`,
    );
    const moved = await admin('patch', `${accounts}/${id}`)
      .send([
        { operation: 'remove', field: '/ldapGroups', value: `cn=openidm,${GROUPS}` },
        { operation: 'add', field: '/ldapGroups/-', value: `cn=Employees,${GROUPS}` },
      ])
      .expect(200);
    expect(moved.body.ldapGroups).toEqual([`cn=Employees,${GROUPS}`]);
    const openidm = await env.slapd.search(`cn=openidm,${GROUPS}`, '(objectClass=*)', ['uniqueMember']);
    expect(openidm).not.toContain('uid=gina');
    expect(openidm).toContain(`uniqueMember: uid=jdoe,${PEOPLE}`);
    const employees = await admin('get', `${groups}?_queryFilter=${q('cn eq "Employees"')}`).expect(200);
    expect(employees.body.result[0].uniqueMember).toContain(`uid=gina,${PEOPLE}`);
  });

  it('creates with PUT and If-None-Match: *, and answers 412 when the entry exists', async () => {
    const body = { uid: 'hank', cn: 'Hank Put', sn: 'Put' };
    const res = await env.t
      .admin('put', `${accounts}/${encodeURIComponent(`uid=hank,${PEOPLE}`)}`)
      .set('If-None-Match', '*')
      .send(body)
      .expect(201);
    expect(res.body).toMatchObject({ dn: `uid=hank,${PEOPLE}`, uid: 'hank' });
    expect(res.headers.location).toBe(`${accounts}/${res.body._id}`);
    const again = await env.t
      .admin('put', `${accounts}/${encodeURIComponent(`uid=hank,${PEOPLE}`)}`)
      .set('If-None-Match', '*')
      .send(body);
    expect(again.status).toBe(412);
  });
});

describe('unknown resources and methods', () => {
  it('answers 404 for an unknown connector, object type or id, and 405 for other methods', async () => {
    expect((await admin('get', '/openidm/system/nope/account?_queryFilter=true')).status).toBe(404);
    expect((await admin('get', '/openidm/system/ldap/printer?_queryFilter=true')).status).toBe(404);
    expect(
      (await admin('post', '/openidm/system/ldap/printer?_action=create').send({ dn: 'cn=x' })).status,
    ).toBe(404);
    expect((await admin('get', `${accounts}/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await admin('delete', `${accounts}/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    const notAllowed = await admin('delete', accounts);
    expect(notAllowed.status).toBe(405);
    expect((await env.t.call('get', `${accounts}?_queryFilter=true`)).status).toBe(401);
  });
});
