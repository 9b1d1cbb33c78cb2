/**
 * Reads and updates go straight to an entry's DN once the connector has seen it (or when ids are DNs). The
 * directory may change behind the connector's back meanwhile: these tests rename, delete and re-create entries
 * with ldapmodify and check that every read and update still finds the right entry, or none.
 */
import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { connectorFor } from './ldap-fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const OPENIDM = 'cn=openidm,ou=Groups,dc=example,dc=com';

let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  ldap = connectorFor(slapd);
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

const person = (uid: string) => ({ dn: `uid=${uid},${PEOPLE}`, cn: `${uid} Test`, sn: 'Test' });

describe('reads and updates after the directory changed behind the connector', () => {
  it('follows an entry renamed by someone else, on read and on update', async () => {
    const created = await ldap.create('account', { ...person('mover'), ldapGroups: [OPENIDM] });
    await ldap.read('account', created._id);
    await slapd.modify(`dn: uid=mover,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=moved\ndeleteoldrdn: 1\n`);

    await expect(ldap.read('account', created._id)).resolves.toMatchObject({
      dn: `uid=moved,${PEOPLE}`,
      uid: 'moved',
    });
    await slapd.modify(`dn: uid=moved,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=moved2\ndeleteoldrdn: 1\n`);
    const updated = await ldap.update('account', created._id, {
      dn: `uid=moved2,${PEOPLE}`,
      uid: 'moved2',
      cn: 'Moved Twice',
      sn: 'Test',
    });
    expect(updated).toMatchObject({ _id: created._id, dn: `uid=moved2,${PEOPLE}`, cn: 'Moved Twice' });
  });

  it('does not mistake a new entry at an old DN for the deleted one', async () => {
    const first = await ldap.create('account', person('reborn'));
    await ldap.read('account', first._id);
    await slapd.modify(`dn: uid=reborn,${PEOPLE}\nchangetype: delete\n`);
    const second = await ldap.create('account', person('reborn'));
    expect(second._id).not.toBe(first._id);

    await expect(ldap.read('account', first._id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ldap.update('account', first._id, { ...person('reborn'), cn: 'X' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(ldap.read('account', second._id)).resolves.toMatchObject({ cn: 'reborn Test' });
  });

  it('forgets a deleted entry, and a read after a delete through the connector is NOT_FOUND', async () => {
    const created = await ldap.create('account', person('gone'));
    await ldap.delete('account', created._id);
    await expect(ldap.read('account', created._id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(ldap.update('account', created._id, person('gone'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('returns groups changed by someone else, on read and after an update that does not give them', async () => {
    const created = await ldap.create('account', person('joiner'));
    expect(created.ldapGroups).toEqual([]);
    await slapd.modify(
      `dn: ${OPENIDM}\nchangetype: modify\nadd: uniqueMember\nuniqueMember: uid=joiner,${PEOPLE}\n`,
    );
    await expect(ldap.read('account', created._id)).resolves.toMatchObject({ ldapGroups: [OPENIDM] });
    const updated = await ldap.update('account', created._id, { ...person('joiner'), mail: 'j@example.com' });
    expect(updated).toMatchObject({ mail: 'j@example.com', ldapGroups: [OPENIDM] });
    // Asked for other fields only, a read returns just those.
    await expect(ldap.read('account', created._id, ['mail'])).resolves.toEqual({
      _id: created._id,
      mail: 'j@example.com',
    });
  });

  it('with DNs as ids: reads and updates an account with its groups, and an id outside its type is NOT_FOUND', async () => {
    const byDn = connectorFor(slapd, {
      configure: (raw) => (raw.configurationProperties.uidAttribute = 'dn'),
    });
    try {
      const id = `uid=bydn,${PEOPLE}`;
      await byDn.create('account', { ...person('bydn'), ldapGroups: [OPENIDM] });
      await expect(byDn.read('account', id)).resolves.toMatchObject({ _id: id, ldapGroups: [OPENIDM] });
      const updated = await byDn.update('account', id, { ...person('bydn'), cn: 'By Dn', ldapGroups: [] });
      expect(updated).toMatchObject({ _id: id, cn: 'By Dn', ldapGroups: [] });
      await expect(byDn.read('account', OPENIDM)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(byDn.update('account', OPENIDM, { cn: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await byDn.close();
    }
  });
});
