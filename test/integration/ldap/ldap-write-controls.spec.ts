/**
 * The Assertion and Post-Read controls (src/connectors/ldap/ldap-write-controls.ts) on a real slapd: a modify
 * asserting the entry's entryCSN applies while nobody else changed the entry, is refused with assertionFailed
 * (and changes nothing) once someone did, and returns the entry as it left it.
 */
import { Attribute, Change, Client, type Entry } from 'ldapts';
import {
  ASSERTION_FAILED,
  AssertionControl,
  PostReadControl,
} from '../../../src/connectors/ldap/ldap-write-controls';
import { type SlapdInstance, startSlapd } from '../../support/slapd';
import { PEOPLE_DN, factory } from '../../support/slapd.factory';

const DN = `uid=ada,${PEOPLE_DN}`;

let slapd: SlapdInstance;
let concord: Client;
let someoneElse: Client;

beforeAll(async () => {
  slapd = await startSlapd({ ldif: factory.ldapBranches() + factory.ldapEntry({ uid: 'ada' }) });
  concord = new Client({ url: slapd.url });
  someoneElse = new Client({ url: slapd.url });
  await Promise.all([
    concord.bind(slapd.rootDn, slapd.rootPassword),
    someoneElse.bind(slapd.rootDn, slapd.rootPassword),
  ]);
});
afterAll(async () => {
  await Promise.all([concord?.unbind(), someoneElse?.unbind()]);
  await slapd.destroy();
});

async function current(): Promise<Entry> {
  const { searchEntries } = await someoneElse.search(DN, {
    scope: 'base',
    attributes: ['description', 'mail', 'entryCSN'],
  });
  return searchEntries[0] as Entry;
}

const newDescription = (value: string): Change =>
  new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: [value] }) });

describe('a modify with the Assertion and Post-Read controls', () => {
  it('applies while the entry is as last seen, and returns it as written, new entryCSN included', async () => {
    const seen = await current();
    const postRead = new PostReadControl(['description', 'mail', 'entryCSN']);

    await concord.modify(DN, newDescription('first'), [
      AssertionControl.unchanged('entryCSN', String(seen.entryCSN)),
      postRead,
    ]);

    const after = await current();
    expect(after.description).toBe('first');
    expect(postRead.entry).toEqual({
      dn: DN,
      description: 'first',
      mail: after.mail,
      entryCSN: after.entryCSN,
    });
    expect(after.entryCSN).not.toEqual(seen.entryCSN);
  });

  it('is refused with assertionFailed, changing nothing, once someone else changed the entry', async () => {
    const seen = await current();
    await someoneElse.modify(DN, newDescription('theirs'));

    const refused = concord.modify(DN, newDescription('mine'), [
      AssertionControl.unchanged('entryCSN', String(seen.entryCSN)),
      new PostReadControl(['description']),
    ]);

    await expect(refused).rejects.toMatchObject({ code: ASSERTION_FAILED });
    expect((await current()).description).toBe('theirs');
  });

  it('keeps the requested attributes the entry lacks as empty lists, as a search does', async () => {
    const postRead = new PostReadControl(['description', 'telephoneNumber']);

    await concord.modify(DN, newDescription('second'), [postRead]);

    expect(postRead.entry).toEqual({ dn: DN, description: 'second', telephoneNumber: [] });
  });

  it('asserts a value that must be escaped in a filter string as a plain value', async () => {
    await someoneElse.modify(DN, newDescription('a*(b)\\c'));

    // As a string, `(description=a*(b)\c)` would be a malformed substring filter; here it is the value itself.
    await concord.modify(DN, newDescription('after the odd one'), [
      AssertionControl.unchanged('description', 'a*(b)\\c'),
    ]);

    expect((await current()).description).toBe('after the odd one');
  });
});
