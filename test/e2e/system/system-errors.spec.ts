import { factory } from '../../support/slapd.factory';
import {
  GROUPS,
  PEOPLE,
  dumpDirectory,
  provisioner,
  q,
  startSystemTest,
  type SystemTestEnv,
} from './system.fixture';

let env: SystemTestEnv;
const accounts = '/openidm/system/ldap/account';

beforeAll(async () => {
  const many = Array.from({ length: 300 }, (_, i) => factory.ldapEntry({ uid: `bulk${i}`, sn: 'Bulk' })).join(
    '',
  );
  env = await startSystemTest({
    ldif: many,
    connectors: (slapd) => ({
      // Bound as an ordinary user: slapd lets users read, not write.
      asjdoe: provisioner('asjdoe', (raw) => {
        raw.configurationProperties.principal = `uid=jdoe,${PEOPLE}`;
        raw.configurationProperties.credentials = 'password';
        raw.configurationProperties.port = slapd.port;
        raw.operationOptions = { DELETE: { denied: true } };
      }),
    }),
  });
});
afterAll(async () => env.destroy());

const admin = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) =>
  env.t.admin(method, path);
const person = (uid: string, extra: Record<string, unknown> = {}) => ({
  dn: `uid=${uid},${PEOPLE}`,
  uid,
  cn: `${uid} Person`,
  sn: 'Person',
  ...extra,
});

describe('directory refusals map to CREST errors', () => {
  it('409 when the entry already exists', async () => {
    const res = await admin('post', `${accounts}?_action=create`).send(person('jdoe'));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/already exists/);
  });

  it("400 with the directory's diagnostic for a schema violation and for a bad DN", async () => {
    const { sn: _sn, ...withoutSn } = person('nosn');
    const res = await admin('post', accounts).send(withoutSn);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatchObject({ ldapResultCode: 65 });
    expect(res.body.detail.diagnostic).toMatch(/requires attribute 'sn'/);
    const badDn = await admin('post', accounts).send(person('x', { dn: 'this is not a DN' }));
    expect(badDn.status).toBe(400);
    const unknownProperty = await admin('post', accounts).send(person('y', { shoeSize: 44 }));
    expect(unknownProperty.status).toBe(400);
    expect(unknownProperty.body.message).toMatch(/shoeSize/);
  });

  it('403 when the bound account may not write, and when the config denies the operation', async () => {
    const res = await admin('post', '/openidm/system/asjdoe/account').send(person('kim'));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/insufficient access/);
    const list = await admin('get', `/openidm/system/asjdoe/account?_queryFilter=${q('uid eq "bjensen"')}`);
    expect(list.status).toBe(200);
    const denied = await admin('delete', `/openidm/system/asjdoe/account/${list.body.result[0]._id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/DELETE is denied/);
    expect(await env.slapd.search(PEOPLE, '(uid=bjensen)', ['uid'])).toContain('uid: bjensen');
  });
});

describe('injection attempts are escaped', () => {
  it('matches filter values literally and leaves the directory unchanged', async () => {
    const before = await dumpDirectory(env.slapd);
    for (const value of ['*', 'jdoe)(uid=*', '*)(|(objectClass=*', 'jdoe\\2a', 'x)(!(uid=x']) {
      const res = await admin('get', `${accounts}?_queryFilter=${q(`uid eq ${JSON.stringify(value)}`)}`);
      expect({ value, status: res.status, result: res.body.result }).toEqual({
        value,
        status: 200,
        result: [],
      });
    }
    const starts = await admin('get', `${accounts}?_queryFilter=${q('uid sw "bulk1*"')}`).expect(200);
    expect(starts.body.result).toEqual([]);
    expect(await dumpDirectory(env.slapd)).toBe(before);
  });

  it('treats ids as values: wildcards, filters and DNs find nothing and change nothing', async () => {
    const before = await dumpDirectory(env.slapd);
    for (const id of [
      '*',
      '*)(objectClass=*',
      `uid=jdoe,${PEOPLE}`,
      '00000000-0000-0000-0000-00000000000*',
    ]) {
      const path = `${accounts}/${encodeURIComponent(id)}`;
      expect({ id, status: (await admin('get', path)).status }).toEqual({ id, status: 404 });
      expect({ id, status: (await admin('delete', path)).status }).toEqual({ id, status: 404 });
      const put = await admin('put', path).send(person('jdoe', { description: 'overwritten' }));
      expect({ id, status: put.status }).toEqual({ id, status: 404 });
    }
    expect(await dumpDirectory(env.slapd)).toBe(before);
  });

  it('keeps special characters in a DN component inside that component', async () => {
    const groupsBefore = await env.slapd.search(GROUPS, '(objectClass=*)', ['*']);
    const created = await admin('post', accounts)
      .send(person('placeholder', { dn: `uid=evil\\,ou=Groups,${PEOPLE}`, uid: 'evil,ou=Groups' }))
      .expect(201);
    // One RDN whose value holds the comma (the server may spell it `\,` or `\2C`), directly under People.
    expect(created.body.dn).toMatch(new RegExp(`^uid=evil\\\\(,|2C)ou(=|\\\\3D)Groups,${PEOPLE}$`));
    expect(created.body.uid).toBe('evil,ou=Groups');
    expect(await env.slapd.search(PEOPLE, '(uid=evil,ou=Groups)', ['uid'])).toContain('uid: evil,ou=Groups');
    expect(await env.slapd.search(GROUPS, '(objectClass=*)', ['*'])).toBe(groupsBefore);

    const tricky = '*)(uid=*';
    const made = await admin('post', accounts).send(
      person('t', { dn: `uid=${tricky},${PEOPLE}`, uid: tricky }),
    );
    expect(made.status).toBe(201);
    const found = await admin('get', `${accounts}?_queryFilter=${q(`uid eq ${JSON.stringify(tricky)}`)}`);
    expect(found.body.result.map((o: { _id: string }) => o._id)).toEqual([made.body._id]);
  });
});

describe('the directory going away', () => {
  it('answers 503 when slapd is killed during a paged query, and recovers once it is back', async () => {
    // 300 entries, 100 per LDAP page (the sample's blockSize), 10 per REST page: the connector holds at most
    // the current LDAP page and the one it fetched ahead, so the third LDAP page needs the server.
    const path = `${accounts}?_queryFilter=${q('sn eq "Bulk"')}&_fields=uid&_pageSize=10`;
    const first = await admin('get', path).expect(200);
    let cookie = first.body.pagedResultsCookie as string;
    expect(cookie).toEqual(expect.any(String));
    let served = first.body.result.length as number;

    await env.slapd.kill();
    let failed: { status: number; body: { message: string } } | undefined;
    while (!failed && cookie) {
      const next = await admin('get', `${path}&_pagedResultsCookie=${encodeURIComponent(cookie)}`);
      if (next.status !== 200) failed = next;
      else {
        served += next.body.result.length as number;
        cookie = next.body.pagedResultsCookie as string;
      }
    }
    expect(served).toBeLessThanOrEqual(200);
    expect(failed?.status).toBe(503);
    expect(failed?.body.message).toMatch(
      new RegExp(`LDAP server ldap://127\\.0\\.0\\.1:${env.slapd.port} is unavailable`),
    );
    const whileDown = await admin('get', `${accounts}?_queryFilter=true`);
    expect(whileDown.status).toBe(503);
    expect(whileDown.body.message).toMatch(/unavailable: ECONNREFUSED/);
    const test = await admin('post', '/openidm/system/ldap?_action=test').expect(200);
    expect(test.body).toMatchObject({ ok: false, error: expect.stringMatching(/unavailable/) });

    await env.slapd.restart();
    const again = await admin('get', `${accounts}?_queryFilter=${q('sn eq "Bulk"')}&_fields=uid`).expect(200);
    expect(again.body.resultCount).toBe(300);
    expect((await admin('post', '/openidm/system/ldap?_action=test').expect(200)).body.ok).toBe(true);
  });
});
