import {
  andFilters,
  escapeFilterValue,
  objectClassFilter,
  toLdapFilter,
} from '../../../src/connectors/ldap/ldap-filter';
import type { QueryFilter } from '../../../src/core/query-filter/query-filter.ast';

const names: Record<string, string> = {
  userName: 'uid',
  mail: 'mail',
  dn: 'entryDN',
  active: 'ds-active',
  age: 'employeeNumber',
};
const resolve = (field: readonly string[]) => {
  if (field.length !== 1) return null;
  if (field[0] === 'photo') return { attribute: 'jpegPhoto', binary: true };
  const attribute = names[field[0] as string];
  return attribute ? { attribute, binary: false } : null;
};
const cmp = (operator: string, field: string, value: string | number | boolean): QueryFilter =>
  ({ type: 'comparison', operator, field: [field], value }) as QueryFilter;

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['plain', 'plain'],
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\0', '\\00'],
    ['a*)(uid=*', 'a\\2a\\29\\28uid=\\2a'],
    ['Zoë', 'Zoë'],
    ['line\nbreak', 'line\\0abreak'],
  ])('%j → %j', (input, expected) => expect(escapeFilterValue(input)).toBe(expected));
});

describe('toLdapFilter', () => {
  it.each<[string, QueryFilter, string]>([
    ['true', { type: 'true' }, '(objectClass=*)'],
    ['false', { type: 'false' }, '(!(objectClass=*))'],
    ['eq', cmp('eq', 'userName', 'jdoe'), '(uid=jdoe)'],
    ['co', cmp('co', 'mail', 'example'), '(mail=*example*)'],
    ['sw', cmp('sw', 'userName', 'j'), '(uid=j*)'],
    ['ew (extended)', { type: 'extended', operator: 'ew', field: ['mail'], value: '.com' }, '(mail=*.com)'],
    ['ge', cmp('ge', 'age', 30), '(employeeNumber>=30)'],
    ['le', cmp('le', 'age', 30), '(employeeNumber<=30)'],
    ['gt excludes equality', cmp('gt', 'age', 30), '(&(employeeNumber>=30)(!(employeeNumber=30)))'],
    ['lt excludes equality', cmp('lt', 'age', 30), '(&(employeeNumber<=30)(!(employeeNumber=30)))'],
    ['boolean as LDAP Boolean', cmp('eq', 'active', true), '(ds-active=TRUE)'],
    ['present', { type: 'present', field: ['mail'] }, '(mail=*)'],
    ['not', { type: 'not', filter: cmp('eq', 'userName', 'x') }, '(!(uid=x))'],
    [
      'and/or nest',
      {
        type: 'and',
        filters: [
          cmp('eq', 'userName', 'a'),
          { type: 'or', filters: [cmp('eq', 'mail', 'b'), { type: 'present', field: ['dn'] }] },
        ],
      },
      '(&(uid=a)(|(mail=b)(entryDN=*)))',
    ],
    ['empty and matches all', { type: 'and', filters: [] }, '(objectClass=*)'],
    ['empty or matches none', { type: 'or', filters: [] }, '(!(objectClass=*))'],
    ['injection in eq', cmp('eq', 'userName', '*)(objectClass=*'), '(uid=\\2a\\29\\28objectClass=\\2a)'],
    ['injection in co', cmp('co', 'mail', ')(|(a=*'), '(mail=*\\29\\28|\\28a=\\2a*)'],
    ['backslash in sw', cmp('sw', 'userName', 'a\\'), '(uid=a\\5c*)'],
    ['empty co is presence', cmp('co', 'mail', ''), '(mail=*)'],
    ['DN values are escaped too', cmp('eq', 'dn', 'uid=a\\,b,dc=x'), '(entryDN=uid=a\\5c,b,dc=x)'],
    [
      'binary value as escaped bytes',
      cmp('eq', 'photo', Buffer.from([0, 255, 40]).toString('base64')),
      '(jpegPhoto=\\00\\ff\\28)',
    ],
  ])('%s', (_name, filter, expected) => expect(toLdapFilter(filter, resolve)).toBe(expected));

  it.each<[string, QueryFilter]>([
    ['unknown field', cmp('eq', 'nope', 'x')],
    ['nested pointer', { type: 'comparison', operator: 'eq', field: ['mail', 'x'], value: 'x' }],
    ['unsupported extended operator', { type: 'extended', operator: 'regex', field: ['mail'], value: '.*' }],
    ['binary with a non-string', cmp('eq', 'photo', 3)],
  ])('rejects %s with BAD_REQUEST', (_name, filter) => {
    expect(() => toLdapFilter(filter, resolve)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('refuses an attribute name that could alter the filter', () => {
    const evil = () => ({ attribute: 'uid=*)(cn', binary: false });
    expect(() => toLdapFilter(cmp('eq', 'x', 'y'), evil)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});

describe('combining filters', () => {
  it.each<[string[], string]>([
    [['top', 'person', 'inetOrgPerson'], '(&(objectClass=person)(objectClass=inetOrgPerson))'],
    [['top', 'groupOfUniqueNames'], '(objectClass=groupOfUniqueNames)'],
  ])('objectClassFilter(%j)', (classes, expected) => expect(objectClassFilter(classes)).toBe(expected));

  it('drops match-all parts and nulls when ANDing', () => {
    expect(andFilters(['(a=1)', '(objectClass=*)', null, '(b=2)'])).toBe('(&(a=1)(b=2))');
    expect(andFilters(['(objectClass=*)'])).toBe('(objectClass=*)');
    expect(andFilters(['(a=1)', undefined])).toBe('(a=1)');
  });
});
