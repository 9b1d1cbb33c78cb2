import { readFileSync } from 'node:fs';
import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { ALL, collect, connectorFor, eq } from './ldap-fixture';

const COUNT = 2500;
let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  const people = Array.from({ length: COUNT }, (_, i) =>
    factory.ldapEntry({ uid: `p${String(i).padStart(4, '0')}` }),
  );
  slapd = await startSlapd({ ldif: factory.ldapBranches() + people.join(''), tls: true });
  // A non-root service account: without paging the server's soft size limit (500) would cut the result short.
  ldap = connectorFor(slapd, { configure: (raw) => (raw.configurationProperties.blockSize = 100) });
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

describe('paged searches', () => {
  it('streams 2,500 entries in pages of 100, each entry exactly once', async () => {
    const uids = (await collect(ldap.query('account', { ...ALL, fields: ['uid'] }))).map(
      (o) => o.uid as string,
    );
    expect(uids).toHaveLength(COUNT);
    expect(new Set(uids).size).toBe(COUNT);
  });

  it('stops early without harm: the connection goes back to the pool', async () => {
    for (let round = 0; round < 15; round++) {
      for await (const _ of ldap.query('account', ALL)) break;
    }
    await expect(collect(ldap.query('account', eq('uid', 'p0042')))).resolves.toHaveLength(1);
  });

  it('pages for REST with cookies until the last page, which has a null cookie', async () => {
    const seen = new Set<string>();
    let cookie: string | undefined;
    let pages = 0;
    do {
      const page = await ldap.queryPage('account', {
        ...ALL,
        fields: ['uid'],
        pageSize: 700,
        pagedResultsCookie: cookie,
      });
      page.result.forEach((o) => seen.add(o.uid as string));
      cookie = page.pagedResultsCookie ?? undefined;
      pages++;
    } while (cookie);
    expect(pages).toBe(4);
    expect(seen.size).toBe(COUNT);
    await expect(
      ldap.queryPage('account', { ...ALL, pageSize: 10, pagedResultsCookie: 'bogus' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('honours _pagedResultsOffset on the first page', async () => {
    const all = (await collect(ldap.query('account', { ...ALL, fields: ['uid'] }))).map((o) => o.uid);
    const page = await ldap.queryPage('account', {
      ...ALL,
      fields: ['uid'],
      pageSize: 5,
      pagedResultsOffset: 2495,
    });
    expect(page.result.map((o) => o.uid)).toEqual(all.slice(2495));
    expect(page.pagedResultsCookie).toBeNull();
  });
});

describe('TLS', () => {
  const ca = () => readFileSync(slapd.caCertFile as string, 'utf8');

  it('reads over LDAPS with the server certificate trusted', async () => {
    const secure = connectorFor(slapd, {
      configure: (raw) => {
        Object.assign(raw.configurationProperties, {
          ssl: true,
          port: slapd.tlsPort,
          trustedCertificates: [ca()],
        });
      },
    });
    await expect(collect(secure.query('account', eq('uid', 'p0001')))).resolves.toHaveLength(1);
    await secure.close();
  });

  it('upgrades with StartTLS, and refuses an untrusted certificate as UNAVAILABLE', async () => {
    const startTls = connectorFor(slapd, {
      configure: (raw) =>
        Object.assign(raw.configurationProperties, { startTLS: true, trustedCertificates: [ca()] }),
    });
    await expect(collect(startTls.query('account', eq('uid', 'p0002')))).resolves.toHaveLength(1);
    await startTls.close();
    const untrusted = connectorFor(slapd, {
      configure: (raw) => Object.assign(raw.configurationProperties, { ssl: true, port: slapd.tlsPort }),
    });
    await expect(untrusted.test()).resolves.toMatchObject({ ok: false });
    await untrusted.close();
  });
});

describe("an entry's revision (entryCSN) for recon's unchanged stamps", () => {
  it('gives _rev only when _fields asks for it, and a new one after every change of the entry', async () => {
    const revOf = async (): Promise<unknown> => {
      const [entry] = await collect(
        ldap.query('account', { ...eq('uid', 'p0007'), fields: ['mail', '_rev'] }),
      );
      return entry?.['_rev'];
    };
    const [plain] = await collect(ldap.query('account', { ...eq('uid', 'p0007'), fields: ['mail'] }));
    expect(plain).not.toHaveProperty('_rev');
    const before = await revOf();
    expect(before).toMatch(/^\d{14}\.\d{6}Z#/);
    await slapd.modify(
      `dn: uid=p0007,ou=People,dc=example,dc=com\nchangetype: modify\nreplace: sn\nsn: Moved\n`,
    );
    const after = await revOf();
    expect(after).not.toBe(before);
    expect(await revOf()).toBe(after);
  });

  it("describes how it reads an object type, so that a change of a property's attribute is seen", () => {
    const moved = connectorFor(slapd, {
      configure: (raw) => (raw.objectTypes.account.properties.mail.nativeName = 'otherMailbox'),
    });
    expect(moved.objectShape('account')).not.toBe(ldap.objectShape('account'));
    expect(connectorFor(slapd).objectShape('account')).toBe(connectorFor(slapd).objectShape('account'));
    void moved.close();
  });
});
