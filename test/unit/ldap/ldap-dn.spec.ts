import {
  canonicalDn,
  escapeDnValue,
  isUnder,
  normalizeDn,
  parseDn,
  sameDn,
} from '../../../src/connectors/ldap/ldap-dn';

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['jdoe', 'jdoe'],
    ['Doe, John', 'Doe\\, John'],
    ['a+b', 'a\\+b'],
    ['x=y', 'x\\=y'],
    ['"q"', '\\"q\\"'],
    ['<a>;', '\\<a\\>\\;'],
    ['back\\slash', 'back\\5cslash'],
    ['#hash', '\\#hash'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['nul\0', 'nul\\00'],
    ['Zoë', 'Zoë'],
  ])('%j → %j', (input, expected) => expect(escapeDnValue(input)).toBe(expected));
});

describe('parseDn', () => {
  it.each<[string, { type: string; value: string }[][]]>([
    [
      'uid=jdoe,ou=People,dc=example',
      [
        [{ type: 'uid', value: 'jdoe' }],
        [{ type: 'ou', value: 'People' }],
        [{ type: 'dc', value: 'example' }],
      ],
    ],
    ['cn=Doe\\, John,dc=x', [[{ type: 'cn', value: 'Doe, John' }], [{ type: 'dc', value: 'x' }]]],
    [
      'cn=a+sn=b,dc=x',
      [
        [
          { type: 'cn', value: 'a' },
          { type: 'sn', value: 'b' },
        ],
        [{ type: 'dc', value: 'x' }],
      ],
    ],
    ['uid = spaced , dc = x', [[{ type: 'uid', value: 'spaced' }], [{ type: 'dc', value: 'x' }]]],
    ['cn=Zo\\C3\\AB,dc=x', [[{ type: 'cn', value: 'Zoë' }], [{ type: 'dc', value: 'x' }]]],
    [
      'cn=evil\\2Cou\\3DAdmins,dc=x',
      [[{ type: 'cn', value: 'evil,ou=Admins' }], [{ type: 'dc', value: 'x' }]],
    ],
    ['', []],
  ])('%j', (dn, expected) => expect(parseDn(dn)).toEqual(expected));

  it.each(['not a dn', 'uid=', '=x', 'uid=a,', 'uid=a\\', 'uid=a\\zz', 'u id=a', 'cn=#04', 'cn=a<b'])(
    'rejects %j with BAD_REQUEST',
    (dn) => expect(() => parseDn(dn)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' })),
  );
});

describe('canonical and normal forms', () => {
  it.each([
    ['uid=a\\,b,ou=People', 'uid=a\\,b,ou=People'],
    ['UID = x , OU=People', 'UID=x,OU=People'],
    ['cn=a\\5cb,dc=x', 'cn=a\\5cb,dc=x'],
  ])('canonicalDn(%j) = %j', (dn, expected) => expect(canonicalDn(dn)).toBe(expected));

  it.each<[string, string, boolean]>([
    ['uid=jdoe,ou=People,dc=example,dc=com', 'UID=JDoe, ou=people,DC=Example,dc=COM', true],
    ['cn=Doe\\, John,dc=x', 'cn=doe\\2c john,dc=x', true],
    ['cn=a+sn=b,dc=x', 'sn=b+cn=a,dc=x', true],
    ['uid=jdoe,dc=x', 'uid=jdoe2,dc=x', false],
  ])('sameDn(%j, %j) = %j', (a, b, expected) => expect(sameDn(a, b)).toBe(expected));

  it('tells whether a DN lies under a base', () => {
    expect(isUnder('uid=a,ou=People,dc=example,dc=com', 'dc=example,dc=com')).toBe(true);
    expect(isUnder('dc=example,dc=com', 'DC=Example,DC=com')).toBe(true);
    expect(isUnder('uid=a,dc=other,dc=com', 'dc=example,dc=com')).toBe(false);
    expect(isUnder('uid=a,dc=xexample,dc=com', 'dc=example,dc=com')).toBe(false);
    expect(normalizeDn('cn=A  B,dc=x')).toBe('cn=a b,dc=x');
  });

  it('answers alike for a DN seen before, and refuses a malformed one every time', () => {
    const dn = 'uid=Twice,ou=People,dc=example,dc=com';
    expect(parseDn(dn)).toEqual(parseDn(dn));
    expect(normalizeDn(dn)).toBe('uid=twice,ou=people,dc=example,dc=com');
    expect(normalizeDn(dn)).toBe('uid=twice,ou=people,dc=example,dc=com');
    expect(() => parseDn('uid=a,,dc=x')).toThrow(/Invalid DN/);
    expect(() => parseDn('uid=a,,dc=x')).toThrow(/Invalid DN/);
  });

  it('stays right past the number of DNs it remembers', () => {
    for (let i = 0; i < 12_000; i++) expect(normalizeDn(`UID=U${i},DC=X`)).toBe(`uid=u${i},dc=x`);
    expect(canonicalDn('UID = u5 , DC=X')).toBe('UID=u5,DC=X');
    expect(sameDn('uid=u0,dc=x', 'UID=U0,DC=X')).toBe(true);
  });
});
