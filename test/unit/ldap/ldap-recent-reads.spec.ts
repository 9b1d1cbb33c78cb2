import type { Entry } from 'ldapts';
import { RecentReads } from '../../../src/connectors/ldap/ldap-recent-reads';

const entry = (dn: string): Entry => ({ dn, description: ['read'] });

describe('RecentReads: the entry behind an object read moments ago', () => {
  let clock: number;
  let reads: RecentReads;
  beforeEach(() => {
    clock = 1_000;
    reads = new RecentReads(2_000, () => clock);
  });

  it('gives the entry back for the object that was returned, once', () => {
    const object = { _id: 'a' };
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    expect(reads.take(object, 'account', 'a', false)?.entry.dn).toBe('uid=a');
    expect(reads.take(object, 'account', 'a', false)).toBeUndefined();
  });

  it('knows objects by identity: a copy of the object is read again', () => {
    const object = { _id: 'a' };
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    expect(reads.take({ ...object }, 'account', 'a', false)).toBeUndefined();
    expect(reads.take(undefined, 'account', 'a', false)).toBeUndefined();
  });

  it('refuses a read of another id or object type', () => {
    const object = { _id: 'a' };
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    expect(reads.take(object, 'account', 'b', false)).toBeUndefined();
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    expect(reads.take(object, 'group', 'a', false)).toBeUndefined();
  });

  it('refuses a read older than its limit', () => {
    const object = { _id: 'a' };
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    clock += 2_001;
    expect(reads.take(object, 'account', 'a', false)).toBeUndefined();
  });

  it('refuses a read without groups when the update needs them', () => {
    const object = { _id: 'a' };
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: undefined });
    expect(reads.take(object, 'account', 'a', true)).toBeUndefined();
    reads.remember(object, 'account', 'a', { entry: entry('uid=a'), groups: ['cn=g'] });
    expect(reads.take(object, 'account', 'a', true)?.groups).toEqual(['cn=g']);
  });
});
