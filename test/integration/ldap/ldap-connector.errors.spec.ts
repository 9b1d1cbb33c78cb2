import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { parseDn } from '../../../src/connectors/ldap/ldap-dn';
import { type SlapdInstance, freePort, startSlapd } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { ALL, collect, connectorFor, eq } from './ldap-fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  const people = Array.from({ length: 600 }, (_, i) => factory.ldapEntry({ uid: `user${i}` })).join('');
  const special = factory.ldapEntry({ uid: 'star', cn: 'a*b (c)\\d' });
  slapd = await startSlapd({ ldif: factory.sampleLdif() + '\n' + people + special });
  ldap = connectorFor(slapd);
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

const uids = async (filter: object) =>
  (await collect(ldap.query('account', { filter: filter as never, fields: ['uid'] }))).map((o) => o.uid);

describe('injection attempts are inert', () => {
  it('matches filter values literally: wildcards and parentheses never widen a search', async () => {
    expect(await uids({ type: 'comparison', operator: 'eq', field: ['uid'], value: '*' })).toEqual([]);
    expect(await uids({ type: 'comparison', operator: 'eq', field: ['uid'], value: 'jdoe)(uid=*' })).toEqual(
      [],
    );
    expect(await uids({ type: 'comparison', operator: 'eq', field: ['cn'], value: 'a*b (c)\\d' })).toEqual([
      'star',
    ]);
    expect(await uids({ type: 'comparison', operator: 'co', field: ['cn'], value: '*' })).toEqual(['star']);
    expect(await uids({ type: 'comparison', operator: 'sw', field: ['uid'], value: 'user1*' })).toEqual([]);
  });

  it('treats ids as values, never as filters or DNs', async () => {
    for (const id of ['*', '*)(objectClass=*', `uid=jdoe,${PEOPLE}`, '']) {
      await expect(ldap.read('account', id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    const byDn = connectorFor(slapd, {
      configure: (raw) => (raw.configurationProperties.uidAttribute = 'dn'),
    });
    try {
      await expect(byDn.read('account', `uid=jdoe,${PEOPLE}`)).resolves.toMatchObject({ uid: 'jdoe' });
      await expect(byDn.read('account', `uid=*,${PEOPLE}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(byDn.read('account', 'cn=Directory Manager,dc=example,dc=com')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    } finally {
      await byDn.close();
    }
  });

  it('keeps a DN component with separators as one value: no entry lands in another branch', async () => {
    const created = await ldap.create('account', {
      dn: `uid=evil\\,ou=Groups,${PEOPLE}`,
      cn: 'Evil',
      sn: 'Evil',
    });
    // The server writes the escapes its own way (\2C); parsed, the DN has the one intended RDN under ou=People.
    expect(parseDn(created.dn as string)).toEqual(parseDn(`uid=evil\\,ou\\=Groups,${PEOPLE}`));
    expect(parseDn(created.dn as string)).toHaveLength(4);
    expect(created.uid).toBe('evil,ou=Groups');
    expect(await slapd.search('ou=Groups,dc=example,dc=com', '(uid=evil*)', ['dn'])).toBe('');
  });
});

describe('errors map to CREST codes', () => {
  it('NOT_FOUND for an unknown id or object type', async () => {
    await expect(ldap.read('account', '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(ldap.update('account', '00000000-0000-0000-0000-000000000000', {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(collect(ldap.query('printer', ALL))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('CONFLICT when the DN already exists', async () => {
    await expect(
      ldap.create('account', { dn: `uid=jdoe,${PEOPLE}`, cn: 'J', sn: 'D' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('BAD_REQUEST with the LDAP diagnostic for schema violations, bad syntax and bad DNs', async () => {
    const noSn = ldap.create('account', { dn: `uid=nosn,${PEOPLE}`, cn: 'No Surname' });
    await expect(noSn).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      detail: { ldapResultCode: 65, diagnostic: expect.stringContaining("'sn'") },
    });
    const badMail = ldap.create('account', {
      dn: `uid=badmail,${PEOPLE}`,
      cn: 'B',
      sn: 'M',
      mail: 'bé@example.com',
    });
    await expect(badMail).rejects.toMatchObject({ code: 'BAD_REQUEST', detail: { ldapResultCode: 21 } });
    await expect(ldap.create('account', { dn: 'not a dn', cn: 'X', sn: 'Y' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('Invalid DN'),
    });
    await expect(collect(ldap.query('account', eq('nonexistent', 'x')))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('FORBIDDEN when the bound account may not write', async () => {
    const readOnly = connectorFor(slapd, {
      configure: (raw) => {
        raw.configurationProperties.principal = `uid=jdoe,${PEOPLE}`;
        raw.configurationProperties.credentials = 'password';
      },
    });
    try {
      await expect(
        readOnly.create('account', { dn: `uid=nope,${PEOPLE}`, cn: 'N', sn: 'N' }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    } finally {
      await readOnly.close();
    }
  });

  it('UNAVAILABLE with a clear message when nothing listens, and failover to the next URL', async () => {
    const port = await freePort();
    const down = connectorFor(slapd, { configure: (raw) => (raw.configurationProperties.port = port) });
    await expect(down.read('account', '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `LDAP server ldap://127.0.0.1:${port} is unavailable: ECONNREFUSED`,
    });
    await down.close();
    const failover = connectorFor(slapd, {
      configure: (raw) => {
        raw.configurationProperties.port = port;
        raw.configurationProperties.failover = [slapd.url];
      },
    });
    await expect(collect(failover.query('account', eq('uid', 'jdoe')))).resolves.toHaveLength(1);
    await failover.close();
  });

  it('UNAVAILABLE when slapd dies during a query; the same connector works again once it is back', async () => {
    const seen: string[] = [];
    const streaming = (async () => {
      for await (const object of ldap.query('account', { ...ALL, fields: ['uid'] })) {
        seen.push(object.uid as string);
        if (seen.length === 1) await slapd.kill();
      }
    })();
    await expect(streaming).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`LDAP server ${slapd.url} is unavailable`),
    });
    expect(seen.length).toBeLessThan(603);
    await expect(ldap.read('account', '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    await slapd.restart();
    await expect(collect(ldap.query('account', eq('uid', 'jdoe')))).resolves.toHaveLength(1);
    expect(await ldap.test()).toEqual({ name: 'ldap', ok: true });
  });
});
