import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { ALL, collect, connectorFor, eq } from './ldap-fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const OPENIDM = 'cn=openidm,ou=Groups,dc=example,dc=com';
const OPENIDM2 = 'cn=openidm2,ou=Groups,dc=example,dc=com';
const EMPLOYEES = 'cn=Employees,ou=Groups,dc=example,dc=com';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let slapd: SlapdInstance;
let ldap: LdapConnector;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.sampleLdif() });
  ldap = connectorFor(slapd, {
    configure: (raw) => (raw.configurationProperties.maintainLdapGroupMembership = true),
  });
});
afterAll(async () => {
  await ldap.close();
  await slapd.destroy();
});

const idOf = async (uid: string): Promise<string> => {
  const [found] = await collect(ldap.query('account', eq('uid', uid)));
  if (!found) throw new Error(`no ${uid}`);
  return found._id;
};

describe('reading the sample directory', () => {
  it('returns bjensen in the OpenIDM shape: every property, nulls for absent ones, no password', async () => {
    const bjensen = await ldap.read('account', await idOf('bjensen'));
    expect(bjensen).toEqual({
      _id: expect.stringMatching(UUID),
      dn: 'uid=bjensen,ou=People,dc=example,dc=com',
      uid: 'bjensen',
      cn: 'Barbara Jensen',
      sn: 'Jensen',
      givenName: 'Barbara',
      mail: 'bjensen@example.com',
      telephoneNumber: '1-360-229-7105',
      description: 'Created for OpenIDM',
      employeeType: null,
      jpegPhoto: null,
      ldapGroups: [OPENIDM2],
    });
  });

  it('lists ids and DNs for query-all-ids, and only the sample users as accounts', async () => {
    const ids = await collect(ldap.query('account', { ...ALL, idsOnly: true }));
    expect(ids.map((o) => o.dn).sort()).toEqual([`uid=bjensen,${PEOPLE}`, `uid=jdoe,${PEOPLE}`]);
    expect(ids.every((o) => Object.keys(o).sort().join() === '_id,dn')).toBe(true);
  });

  it('translates a _queryFilter on IDM names, and restricts the properties with _fields', async () => {
    const filter = {
      type: 'and',
      filters: [{ type: 'comparison', operator: 'sw', field: ['sn'], value: 'Do' }],
    } as const;
    const found = await collect(ldap.query('account', { filter, fields: ['mail'] }));
    expect(found).toEqual([{ _id: expect.stringMatching(UUID), mail: 'jdoe@example.com' }]);
  });

  it('reads groups with array properties, members in server order', async () => {
    const [group] = await collect(ldap.query('group', eq('dn', OPENIDM)));
    expect(group).toMatchObject({
      dn: OPENIDM,
      cn: ['openidm'],
      uniqueMember: [`uid=jdoe,${PEOPLE}`],
      owner: [],
    });
  });
});

describe('writing accounts', () => {
  it('creates an entry with the configured object classes and returns it with an entryUUID id', async () => {
    const created = await ldap.create('account', {
      dn: `uid=fdoe,${PEOPLE}`,
      uid: 'fdoe',
      cn: 'Fred Doe',
      sn: 'Doe',
      givenName: 'Fred',
      mail: 'fdoe@example.com',
      userPassword: 'fred-secret',
      ldapGroups: [EMPLOYEES],
    });
    expect(created).toMatchObject({ _id: expect.stringMatching(UUID), uid: 'fdoe', ldapGroups: [EMPLOYEES] });
    expect(created).not.toHaveProperty('userPassword');
    const ldif = await slapd.search(`uid=fdoe,${PEOPLE}`, '(objectClass=*)', ['objectClass']);
    expect(ldif).toContain('objectClass: inetOrgPerson');
    await expect(ldap.authenticate('account', 'fdoe', 'fred-secret')).resolves.toEqual({ _id: created._id });
  });

  it('replaces the whole object on update: changed values set, omitted optional ones removed', async () => {
    const id = await idOf('fdoe');
    const current = await ldap.read('account', id);
    const updated = await ldap.update('account', id, {
      ...current,
      mail: 'fred@example.com',
      telephoneNumber: '555',
      givenName: null,
    });
    expect(updated).toMatchObject({
      mail: 'fred@example.com',
      telephoneNumber: '555',
      givenName: null,
      cn: 'Fred Doe',
    });
  });

  it('updates without reading back when told so: the id comes back, the entry holds the change', async () => {
    const id = await idOf('fdoe');
    const current = await ldap.read('account', id);
    const answer = await ldap.update(
      'account',
      id,
      { ...current, description: 'not read back' },
      { readBack: false },
    );
    expect(answer).toEqual({ _id: id });
    expect(await ldap.read('account', id)).toMatchObject({
      description: 'not read back',
      mail: current.mail,
    });
  });

  it('plans an update from the read it is given: what the caller did not change since is not rewritten', async () => {
    const id = await idOf('fdoe');
    const current = await ldap.read('account', id);
    // Someone else edits another attribute between the caller's read and its update.
    await slapd.modify(
      `dn: ${current.dn as string}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: 555-0100\n`,
    );
    await ldap.update('account', id, { ...current, description: 'planned from a read' }, { current });
    expect(await ldap.read('account', id)).toMatchObject({
      description: 'planned from a read',
      telephoneNumber: '555-0100',
    });
    // Without that read, a full replace compares against the entry as it is now and restores the caller's value.
    await slapd.modify(
      `dn: ${current.dn as string}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: 555-0199\n`,
    );
    await ldap.update('account', id, { ...current, description: 'planned from a read' });
    expect(await ldap.read('account', id)).toMatchObject({ telephoneNumber: current.telephoneNumber });
  });

  it('renames on a changed dn, keeping the entryUUID id and fixing the groups that held the old DN', async () => {
    const id = await idOf('fdoe');
    const current = await ldap.read('account', id);
    const renamed = await ldap.update('account', id, { ...current, dn: `uid=fred,${PEOPLE}`, uid: 'fred' });
    expect(renamed).toMatchObject({
      _id: id,
      dn: `uid=fred,${PEOPLE}`,
      uid: 'fred',
      ldapGroups: [EMPLOYEES],
    });
    const employees = await ldap.read(
      'group',
      (await collect(ldap.query('group', eq('dn', EMPLOYEES))))[0]!._id,
    );
    expect(employees.uniqueMember).toEqual(['cn=placeholder', `uid=fred,${PEOPLE}`]);
  });

  it('writes ldapGroups by adding and removing the DN in the groups', async () => {
    const id = await idOf('fred');
    const changed = await ldap.patch('account', id, [
      { operation: 'replace', field: '/ldapGroups', value: [OPENIDM, OPENIDM2] },
    ]);
    expect([...(changed.ldapGroups as string[])].sort()).toEqual([OPENIDM, OPENIDM2]);
    const [openidm] = await collect(ldap.query('group', eq('dn', OPENIDM)));
    expect(openidm!.uniqueMember).toEqual([`uid=jdoe,${PEOPLE}`, `uid=fred,${PEOPLE}`]);
    expect((await ldap.read('account', id)).ldapGroups).not.toContain(EMPLOYEES);
  });

  it('patches single fields without touching others', async () => {
    const id = await idOf('fred');
    const patched = await ldap.patch('account', id, [
      { operation: 'replace', field: '/description', value: 'patched' },
      { operation: 'remove', field: '/telephoneNumber' },
    ]);
    expect(patched).toMatchObject({
      description: 'patched',
      telephoneNumber: null,
      mail: 'fred@example.com',
    });
  });

  it('deletes, returning the object, and removes the DN from its groups', async () => {
    const id = await idOf('fred');
    const deleted = await ldap.delete('account', id);
    expect(deleted).toMatchObject({ _id: id, uid: 'fred' });
    await expect(ldap.read('account', id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [openidm] = await collect(ldap.query('group', eq('dn', OPENIDM)));
    expect(openidm!.uniqueMember).toEqual([`uid=jdoe,${PEOPLE}`]);
  });

  it('round-trips a binary attribute (jpegPhoto) as base64, byte for byte', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x00, 0x80, 0xfe, 0x0a, 0x0d]);
    const created = await ldap.create('account', {
      dn: `uid=pic,${PEOPLE}`,
      cn: 'Pic Ture',
      sn: 'Ture',
      jpegPhoto: photo.toString('base64'),
    });
    expect(created.uid).toBe('pic');
    expect(Buffer.from(created.jpegPhoto as string, 'base64').equals(photo)).toBe(true);
    // jpegPhoto has no equality rule in OpenLDAP's schema, so presence is the filter that can find it.
    const filter = { type: 'present', field: ['jpegPhoto'] } as const;
    const found = await collect(ldap.query('account', { filter, fields: ['uid', 'jpegPhoto'] }));
    expect(found.map((o) => [o.uid, o.jpegPhoto])).toEqual([['pic', photo.toString('base64')]]);
  });
});

describe('schema flags, denied operations and credentials', () => {
  it('never returns NOT_READABLE properties, even when asked for them', async () => {
    const jdoe = await ldap.read('account', await idOf('jdoe'), ['userPassword', 'uid']);
    expect(jdoe).toEqual({ _id: expect.any(String), uid: 'jdoe' });
    await expect(collect(ldap.query('account', eq('userPassword', 'password')))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('rejects NOT_CREATABLE and NOT_UPDATEABLE values and denied operations', async () => {
    const flagged = connectorFor(slapd, {
      configure: (raw) => {
        raw.objectTypes.account.properties.employeeType.flags = ['NOT_CREATABLE', 'NOT_UPDATEABLE'];
        raw.operationOptions = { DELETE: { denied: true, onDeny: 'DO_NOTHING' } };
      },
    });
    try {
      const object = { dn: `uid=flag,${PEOPLE}`, cn: 'F', sn: 'F', employeeType: 'x' };
      await expect(flagged.create('account', object)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      const created = await flagged.create('account', { ...object, employeeType: null });
      await expect(
        flagged.update('account', created._id, { ...created, employeeType: 'y' }),
      ).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
      await expect(flagged.delete('account', created._id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      await flagged.close();
    }
  });

  it('authenticates by uid and refuses a wrong or empty password', async () => {
    const id = await idOf('jdoe');
    await expect(ldap.authenticate('account', 'jdoe', 'password')).resolves.toEqual({ _id: id });
    await expect(ldap.authenticate('account', 'jdoe', 'wrong')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(ldap.authenticate('account', 'jdoe', '')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(ldap.authenticate('account', 'nobody', 'password')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('test() reports reachability and bind; credentials never show in JSON or messages', async () => {
    await expect(ldap.test()).resolves.toEqual({ name: 'ldap', ok: true });
    const wrong = connectorFor(slapd, {
      configure: (raw) => (raw.configurationProperties.credentials = 'not-the-password'),
    });
    const result = await wrong.test();
    await wrong.close();
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('not-the-password');
    expect(JSON.stringify(ldap)).not.toContain(slapd.servicePassword);
  });
});
