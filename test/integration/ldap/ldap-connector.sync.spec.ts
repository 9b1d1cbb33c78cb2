import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { collect, connectorFor, eq } from './ldap-fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  ldap = connectorFor(slapd, {
    configure: (raw) =>
      (raw.configurationProperties.modifiersNamesToFilterOut = [slapd.serviceDn.toUpperCase()]),
  });
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

const idOf = async (uid: string) => (await collect(ldap.query('account', eq('uid', uid))))[0]!._id;

describe('live sync from cn=accesslog', () => {
  it('returns only the latest token on the first call, then every change made since, in order', async () => {
    const first = await ldap.sync('account', null);
    expect(first.deltas).toEqual([]);
    expect(first.token).toMatch(/^\d{14}\.\d{6}Z$/);
    const bjensen = await idOf('bjensen');

    await slapd.add(factory.ldapEntry({ uid: 'alice' }));
    await slapd.modify(
      `dn: uid=alice,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: alice@corp.example\n`,
    );
    await slapd.modify(`dn: uid=alice,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=alice2\ndeleteoldrdn: 1\n`);
    await slapd.modify(`dn: uid=bjensen,${PEOPLE}\nchangetype: delete\n`);
    await slapd.add(factory.ldapGroup('Auditors', [`uid=jdoe,${PEOPLE}`]));
    // Concord's own write (as the service account) is filtered out by modifiersNamesToFilterOut.
    await ldap.create('account', { dn: `uid=svc,${PEOPLE}`, cn: 'By Concord', sn: 'Concord' });

    const batch = await ldap.sync('account', first.token);
    const alice = await idOf('alice2');
    expect(batch.deltas.map((d) => [d.type, d.id])).toEqual([
      ['CREATE', alice],
      ['UPDATE', alice],
      ['UPDATE', alice],
      ['DELETE', bjensen],
    ]);
    expect(batch.deltas[0]!.object).toMatchObject({ dn: `uid=alice2,${PEOPLE}`, mail: 'alice@corp.example' });
    expect(batch.deltas[3]!.object).toBeNull();
    expect(batch.hasMore).toBe(false);
    expect(batch.token).not.toBe(first.token);

    const again = await ldap.sync('account', batch.token);
    expect(again.deltas).toEqual([]);
    expect(again.token).toBe(batch.token);

    const groups = await ldap.sync('group', first.token);
    expect(groups.deltas.map((d) => [d.type, d.object?.dn])).toEqual([
      ['CREATE', 'cn=Auditors,ou=Groups,dc=example,dc=com'],
    ]);
  });

  it('hands out at most maxChanges deltas, each with the token to store after it', async () => {
    const start = await ldap.sync('account', null);
    for (const uid of ['b1', 'b2', 'b3']) await slapd.add(factory.ldapEntry({ uid }));
    const part = await ldap.sync('account', start.token, { maxChanges: 2 });
    expect(part.deltas.map((d) => d.object?.uid)).toEqual(['b1', 'b2']);
    expect(part.hasMore).toBe(true);
    expect(part.token).toBe(part.deltas[1]!.token);
    const rest = await ldap.sync('account', part.token);
    expect(rest.deltas.map((d) => d.object?.uid)).toEqual(['b3']);
  });

  it('reports renames with the previous id when ids are DNs', async () => {
    const byDn = connectorFor(slapd, {
      configure: (raw) => (raw.configurationProperties.uidAttribute = 'dn'),
    });
    try {
      const start = await byDn.sync('account', null);
      await slapd.modify(`dn: uid=b1,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=b1x\ndeleteoldrdn: 1\n`);
      const batch = await byDn.sync('account', start.token);
      expect(batch.deltas).toEqual([
        expect.objectContaining({ type: 'UPDATE', id: `uid=b1x,${PEOPLE}`, previousId: `uid=b1,${PEOPLE}` }),
      ]);
    } finally {
      await byDn.close();
    }
  });
});

describe('live sync by modifyTimestamp', () => {
  it('falls back to timestamps when the accesslog is unreadable and useTimestampsForSync is on', async () => {
    const asUser = (useTimestampsForSync: boolean) =>
      connectorFor(slapd, {
        configure: (raw) =>
          Object.assign(raw.configurationProperties, {
            principal: `uid=jdoe,${PEOPLE}`,
            credentials: 'password',
            useTimestampsForSync,
          }),
      });
    const noLog = asUser(false);
    await expect(noLog.sync('account', null)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await noLog.close();

    const polling = asUser(true);
    try {
      const start = await polling.sync('account', null);
      expect(start.token).toMatch(/^ts:\d{14}Z;/);
      await slapd.add(factory.ldapEntry({ uid: 'tim' }));
      await slapd.modify(
        `dn: uid=b2,${PEOPLE}\nchangetype: modify\nreplace: description\ndescription: changed\n`,
      );
      const batch = await polling.sync('account', start.token);
      expect(batch.deltas.map((d) => [d.type, d.object?.uid])).toEqual(
        expect.arrayContaining([
          ['CREATE', 'tim'],
          ['UPDATE', 'b2'],
        ]),
      );
      const again = await polling.sync('account', batch.token);
      expect(again.deltas).toEqual([]);
    } finally {
      await polling.close();
    }
  });
});
