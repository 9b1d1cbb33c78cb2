/**
 * ReadOptions.lastWritten on a real slapd: after its own write of an entry, the connector can answer a read of it
 * from the entry the write brought back (Post-Read), and a write planned from that answer asserts the entry is
 * still as written (Assertion on entryCSN). Whatever changed the entry behind the connector's back since — a
 * modify, a rename, a delete, a group membership — makes that write a StaleReadError that changes nothing, after
 * which the connector reads the entry from the directory again.
 */
import type { LdapConnector } from '../../../src/connectors/ldap/ldap.connector';
import { StaleReadError, type SystemObject } from '../../../src/connectors/system-connector.port';
import type { JsonObject } from '../../../src/managed/managed-object';
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

const person = (uid: string, description: string) => ({
  dn: `uid=${uid},${PEOPLE}`,
  uid,
  cn: `${uid} Test`,
  sn: 'Test',
  description,
});

/**
 * An entry the connector created and then updated as the sync engine does (a whole read, then an update planned
 * from it), so that it remembers the entry, groups included, as its update left it.
 */
async function written(uid: string): Promise<string> {
  const created = await ldap.create('account', person(uid, 'one'));
  const read = await ldap.read('account', created._id);
  await ldap.update('account', created._id, person(uid, 'two'), { current: read, readBack: false });
  return created._id;
}

const remembered = (id: string): Promise<SystemObject> =>
  ldap.read('account', id, undefined, { lastWritten: true });

/** An update planned from `from`, as the sync engine makes one (UpdateOptions.current). */
const updateFrom = (from: SystemObject, changes: JsonObject) =>
  ldap.update('account', from._id, { ...from, ...changes }, { current: from, readBack: false });

describe('reading an entry as the connector last wrote it', () => {
  it('answers with the entry as written, equal to what the directory returns, and marks it unconfirmed', async () => {
    const id = await written('lw-read');

    const fromMemory = await remembered(id);
    const fromDirectory = await ldap.read('account', id);

    expect(fromMemory).toEqual(fromDirectory);
    expect(fromMemory).toMatchObject({ description: 'two', ldapGroups: [] });
    expect(ldap.isUnconfirmed(fromMemory)).toBe(true);
    expect(ldap.isUnconfirmed(fromDirectory)).toBe(false);
  });

  it('writes from it while nobody else changed the entry, and then remembers the entry as that write left it', async () => {
    const id = await written('lw-chain');

    await updateFrom(await remembered(id), { description: 'three' });
    await updateFrom(await remembered(id), { description: 'four', mail: 'four@example.com' });

    expect(await slapd.search(PEOPLE, '(uid=lw-chain)')).toContain('description: four');
    await expect(remembered(id)).resolves.toMatchObject({ description: 'four', mail: 'four@example.com' });
  });

  it('plans only one update from an object read from memory', async () => {
    const id = await written('lw-once');
    const fromMemory = await remembered(id);
    await updateFrom(fromMemory, { description: 'three' });

    await expect(updateFrom(fromMemory, { description: 'four' })).rejects.toBeInstanceOf(StaleReadError);
    expect(await slapd.search(PEOPLE, '(uid=lw-once)')).toContain('description: three');
  });

  it('never answers a read without the option from memory', async () => {
    const id = await written('lw-plain');
    await slapd.modify(
      `dn: uid=lw-plain,${PEOPLE}\nchangetype: modify\nreplace: description\ndescription: theirs\n`,
    );

    await expect(ldap.read('account', id)).resolves.toMatchObject({ description: 'theirs' });
  });
});

describe('a write planned from memory after the entry changed behind the connector', () => {
  it('is refused when someone else modified the entry, keeps their change, and the next read asks the directory', async () => {
    const id = await written('lw-modified');
    const stale = await remembered(id);
    await slapd.modify(`dn: uid=lw-modified,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Theirs\n`);

    await expect(updateFrom(stale, { description: 'mine' })).rejects.toBeInstanceOf(StaleReadError);

    const entry = await slapd.search(PEOPLE, '(uid=lw-modified)');
    expect(entry).toContain('sn: Theirs');
    expect(entry).toContain('description: two');
    const next = await remembered(id);
    expect(ldap.isUnconfirmed(next)).toBe(false);
    expect(next).toMatchObject({ sn: 'Theirs' });
  });

  it('is refused when someone else renamed the entry, and writes nothing at either DN', async () => {
    const id = await written('lw-renamed');
    const stale = await remembered(id);
    await slapd.modify(
      `dn: uid=lw-renamed,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=lw-renamed2\ndeleteoldrdn: 1\n`,
    );

    await expect(updateFrom(stale, { description: 'mine' })).rejects.toBeInstanceOf(StaleReadError);

    expect(await slapd.search(PEOPLE, '(uid=lw-renamed2)')).toContain('description: two');
    await expect(remembered(id)).resolves.toMatchObject({ dn: `uid=lw-renamed2,${PEOPLE}` });
  });

  it('is refused when someone else deleted the entry, and the next read finds it gone', async () => {
    const id = await written('lw-deleted');
    const stale = await remembered(id);
    await slapd.modify(`dn: uid=lw-deleted,${PEOPLE}\nchangetype: delete\n`);

    await expect(updateFrom(stale, { description: 'mine' })).rejects.toBeInstanceOf(StaleReadError);

    expect(await slapd.search(PEOPLE, '(uid=lw-deleted)')).not.toContain('dn:');
    await expect(remembered(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is refused when it changes groups that someone else changed since', async () => {
    const id = await written('lw-grouped');
    const stale = await remembered(id);
    await slapd.modify(
      `dn: ${OPENIDM}\nchangetype: modify\nadd: uniqueMember\nuniqueMember: uid=lw-grouped,${PEOPLE}\n`,
    );

    await expect(updateFrom(stale, { ldapGroups: [] })).rejects.toBeInstanceOf(StaleReadError);

    await expect(ldap.read('account', id)).resolves.toMatchObject({ ldapGroups: [OPENIDM] });
  });
});

describe('a write planned from memory that is more than one modify', () => {
  it('changes groups once a search has confirmed the entry is as remembered', async () => {
    const id = await written('lw-joins');

    await updateFrom(await remembered(id), { ldapGroups: [OPENIDM], description: 'joined' });

    await expect(ldap.read('account', id)).resolves.toMatchObject({
      ldapGroups: [OPENIDM],
      description: 'joined',
    });
  });

  it('renames once a search has confirmed the entry is as remembered', async () => {
    const id = await written('lw-rename');

    await updateFrom(await remembered(id), { dn: `uid=lw-rename2,${PEOPLE}`, uid: 'lw-rename2' });

    await expect(ldap.read('account', id)).resolves.toMatchObject({
      dn: `uid=lw-rename2,${PEOPLE}`,
      uid: 'lw-rename2',
    });
  });
});
