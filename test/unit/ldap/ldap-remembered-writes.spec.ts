import { Attribute, Change, type Entry } from 'ldapts';
import { afterChanges, groupsDiffer } from '../../../src/connectors/ldap/ldap-remembered-writes';
import { WrittenEntries } from '../../../src/connectors/ldap/ldap-written-entries';

const DN = 'uid=ada,ou=People,dc=example,dc=com';
const KEPT = ['uid', 'cn', 'sn', 'description', 'mail', 'telephoneNumber', 'entryUUID'];

const replace = (type: string, values: string[]) =>
  new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
const remove = (type: string) =>
  new Change({ operation: 'delete', modification: new Attribute({ type, values: [] }) });

describe('afterChanges: an entry as a modify left it, built from what was sent', () => {
  const before: Entry = {
    dn: DN,
    uid: 'ada',
    cn: 'Ada Lovelace',
    sn: 'Lovelace',
    description: 'one',
    telephoneNumber: ['+1 555', '+1 556'],
    entryUUID: 'u-1',
    entryCSN: 'old-csn',
  };

  it('takes replaced values, drops deleted attributes and carries the new entryCSN', () => {
    const after = afterChanges(
      before,
      DN,
      [
        replace('description', ['two']),
        remove('telephoneNumber'),
        replace('mail', ['a@example.com', 'b@example.com']),
      ],
      'new-csn',
      KEPT,
    );

    expect(after).toEqual({
      dn: DN,
      uid: 'ada',
      cn: 'Ada Lovelace',
      sn: 'Lovelace',
      description: 'two',
      mail: ['a@example.com', 'b@example.com'],
      entryUUID: 'u-1',
      entryCSN: 'new-csn',
    });
    expect(before).toMatchObject({ description: 'one', entryCSN: 'old-csn' });
  });

  it('never keeps an attribute outside the remembered ones, such as a password the modify set', () => {
    const after = afterChanges(before, DN, [replace('userPassword', ['secret'])], 'new-csn', KEPT);

    expect(after).not.toHaveProperty('userPassword');
  });

  it('matches attribute names without regard to case, and takes the DN the entry has now', () => {
    const renamed = 'uid=ada2,ou=People,dc=example,dc=com';
    const after = afterChanges(before, renamed, [replace('DESCRIPTION', ['three'])], 'new-csn', KEPT);

    expect(after).toMatchObject({ dn: renamed, description: 'three' });
    expect(after).not.toHaveProperty('DESCRIPTION');
  });

  it('adds values to those the entry had', () => {
    const add = new Change({
      operation: 'add',
      modification: new Attribute({ type: 'telephoneNumber', values: ['+1 557'] }),
    });

    expect(afterChanges(before, DN, [add], 'new-csn', KEPT).telephoneNumber).toEqual([
      '+1 555',
      '+1 556',
      '+1 557',
    ]);
  });
});

describe('WrittenEntries: the entries the last writes left', () => {
  const written = (csn: string) => ({ entry: { dn: DN, entryCSN: csn }, csn, groups: undefined });

  it('keeps the later of two writes whose replies arrive out of order', () => {
    const entries = new WrittenEntries(10);
    entries.remember('account', 'u-1', written('20261204031500.000002Z#000000#000#000000'));
    entries.remember('account', 'u-1', written('20261204031500.000001Z#000000#000#000000'));

    expect(entries.get('account', 'u-1')?.csn).toBe('20261204031500.000002Z#000000#000#000000');
  });

  it('drops the entry written longest ago beyond its capacity, and forgets on demand', () => {
    const entries = new WrittenEntries(2);
    entries.remember('account', 'a', written('1'));
    entries.remember('account', 'b', written('1'));
    entries.remember('account', 'a', written('2'));
    entries.remember('account', 'c', written('1'));

    expect(entries.get('account', 'b')).toBeUndefined();
    expect(entries.get('account', 'a')?.csn).toBe('2');
    entries.forget('account', 'a');
    expect(entries.get('account', 'a')).toBeUndefined();
    expect(entries.get('group', 'c')).toBeUndefined();
  });
});

describe('groupsDiffer', () => {
  const G1 = 'cn=one,ou=Groups,dc=example,dc=com';
  const G2 = 'cn=two,ou=Groups,dc=example,dc=com';

  it('compares group DNs as sets in normal form; groups not given never differ, groups not known always do', () => {
    expect(groupsDiffer([G1, G2], ['CN=Two, ou=Groups,dc=example,dc=com', G1])).toBe(false);
    expect(groupsDiffer([G1], [G1, G2])).toBe(true);
    expect(groupsDiffer(null, [G1])).toBe(false);
    expect(groupsDiffer([], undefined)).toBe(true);
  });
});
