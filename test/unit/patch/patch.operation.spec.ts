import { applyPatch } from '../../../src/core/patch/patch.operation';
import type { JsonObject } from '../../../src/managed/managed-object';

const user = (): JsonObject => ({
  userName: 'jdoe',
  givenName: 'John',
  mail: 'jdoe@example.com',
  loginCount: 3,
  scores: [1, 2.5, 3],
  tags: ['a', 'b', 'a', 'c'],
  roles: [{ _ref: 'managed/role/1' }, { _ref: 'managed/role/2' }],
  address: { city: 'Paris', lines: ['1 rue'] },
});

interface Row {
  readonly name: string;
  readonly patch: unknown[];
  readonly expect: (before: JsonObject) => JsonObject;
}

const rows: Row[] = [
  // add
  {
    name: 'add sets a new member',
    patch: [{ operation: 'add', field: '/sn', value: 'Doe' }],
    expect: (d) => ({ ...d, sn: 'Doe' }),
  },
  {
    name: 'add replaces an existing scalar',
    patch: [{ operation: 'add', field: '/givenName', value: 'Jo' }],
    expect: (d) => ({ ...d, givenName: 'Jo' }),
  },
  {
    name: 'add without an index replaces an existing array (OpenIDM putPermissive)',
    patch: [{ operation: 'add', field: '/tags', value: ['z'] }],
    expect: (d) => ({ ...d, tags: ['z'] }),
  },
  {
    name: 'add with /- appends to an array',
    patch: [{ operation: 'add', field: '/tags/-', value: 'd' }],
    expect: (d) => ({ ...d, tags: ['a', 'b', 'a', 'c', 'd'] }),
  },
  {
    name: 'add with an index inserts before that element',
    patch: [{ operation: 'add', field: '/tags/1', value: 'x' }],
    expect: (d) => ({ ...d, tags: ['a', 'x', 'b', 'a', 'c'] }),
  },
  {
    name: 'add at index == length appends',
    patch: [{ operation: 'add', field: '/tags/4', value: 'x' }],
    expect: (d) => ({ ...d, tags: ['a', 'b', 'a', 'c', 'x'] }),
  },
  {
    name: 'add creates missing intermediate objects',
    patch: [{ operation: 'add', field: '/prefs/ui/theme', value: 'dark' }],
    expect: (d) => ({ ...d, prefs: { ui: { theme: 'dark' } } }),
  },
  {
    name: 'add into an object nested in an array',
    patch: [{ operation: 'add', field: '/roles/0/_refProperties', value: { temporal: true } }],
    expect: (d) => ({
      ...d,
      roles: [
        { _ref: 'managed/role/1', _refProperties: { temporal: true } },
        { _ref: 'managed/role/2' },
      ] as JsonObject[],
    }),
  },
  {
    name: 'add accepts a field without leading slash',
    patch: [{ operation: 'add', field: 'sn', value: 'Doe' }],
    expect: (d) => ({ ...d, sn: 'Doe' }),
  },
  {
    name: 'add decodes ~1 and ~0 in pointers',
    patch: [{ operation: 'add', field: '/a~1b~0c', value: 1 }],
    expect: (d) => ({ ...d, 'a/b~c': 1 }),
  },
  {
    name: 'operation names are case-insensitive',
    patch: [{ operation: 'ADD', field: '/sn', value: 'Doe' }],
    expect: (d) => ({ ...d, sn: 'Doe' }),
  },
  {
    name: 'add stores __proto__ as a plain field',
    patch: [{ operation: 'add', field: '/__proto__', value: { polluted: true } }],
    expect: (d) =>
      Object.defineProperty({ ...d }, '__proto__', {
        value: { polluted: true },
        enumerable: true,
        writable: true,
        configurable: true,
      }),
  },
  // remove
  {
    name: 'remove without value removes the field',
    patch: [{ operation: 'remove', field: '/mail' }],
    expect: ({ mail: _m, ...rest }) => rest,
  },
  {
    name: 'remove of a missing field is a no-op',
    patch: [{ operation: 'remove', field: '/nothing/here' }],
    expect: (d) => d,
  },
  {
    name: 'remove with a value drops every matching array element',
    patch: [{ operation: 'remove', field: '/tags', value: 'a' }],
    expect: (d) => ({ ...d, tags: ['b', 'c'] }),
  },
  {
    name: 'remove with an array value drops each listed element',
    patch: [{ operation: 'remove', field: '/tags', value: ['a', 'c'] }],
    expect: (d) => ({ ...d, tags: ['b'] }),
  },
  {
    name: 'remove with an object value matches structurally',
    patch: [{ operation: 'remove', field: '/roles', value: { _ref: 'managed/role/2' } }],
    expect: (d) => ({ ...d, roles: [{ _ref: 'managed/role/1' }] }),
  },
  {
    name: 'remove with a matching scalar value removes the field',
    patch: [{ operation: 'remove', field: '/givenName', value: 'John' }],
    expect: ({ givenName: _g, ...rest }) => rest,
  },
  {
    name: 'remove with a different scalar value keeps the field',
    patch: [{ operation: 'remove', field: '/givenName', value: 'Jane' }],
    expect: (d) => d,
  },
  {
    name: 'remove by array index',
    patch: [{ operation: 'remove', field: '/tags/1' }],
    expect: (d) => ({ ...d, tags: ['a', 'a', 'c'] }),
  },
  // replace
  {
    name: 'replace sets an existing field',
    patch: [{ operation: 'replace', field: '/mail', value: 'john@example.com' }],
    expect: (d) => ({ ...d, mail: 'john@example.com' }),
  },
  {
    name: 'replace adds a missing field',
    patch: [{ operation: 'replace', field: '/telephoneNumber', value: '555' }],
    expect: (d) => ({ ...d, telephoneNumber: '555' }),
  },
  {
    name: 'replace with null removes the field',
    patch: [{ operation: 'replace', field: '/mail', value: null }],
    expect: ({ mail: _m, ...rest }) => rest,
  },
  {
    name: 'replace without value removes the field',
    patch: [{ operation: 'replace', field: '/mail' }],
    expect: ({ mail: _m, ...rest }) => rest,
  },
  {
    name: 'replace a whole array',
    patch: [{ operation: 'replace', field: '/tags', value: ['x', 'y'] }],
    expect: (d) => ({ ...d, tags: ['x', 'y'] }),
  },
  {
    name: 'replace an array element by index',
    patch: [{ operation: 'replace', field: '/tags/1', value: 'B' }],
    expect: (d) => ({ ...d, tags: ['a', 'B', 'a', 'c'] }),
  },
  {
    name: 'replace a nested member',
    patch: [{ operation: 'replace', field: '/address/city', value: 'Lyon' }],
    expect: (d) => ({ ...d, address: { city: 'Lyon', lines: ['1 rue'] } }),
  },
  // increment
  {
    name: 'increment adds to a number',
    patch: [{ operation: 'increment', field: '/loginCount', value: 2 }],
    expect: (d) => ({ ...d, loginCount: 5 }),
  },
  {
    name: 'increment with a negative amount decrements',
    patch: [{ operation: 'increment', field: '/loginCount', value: -3 }],
    expect: (d) => ({ ...d, loginCount: 0 }),
  },
  {
    name: 'increment adds to every number of an array',
    patch: [{ operation: 'increment', field: '/scores', value: 1 }],
    expect: (d) => ({ ...d, scores: [2, 3.5, 4] }),
  },
  // move / copy
  {
    name: 'move renames a field',
    patch: [{ operation: 'move', from: '/givenName', field: '/firstName' }],
    expect: ({ givenName, ...rest }) => ({ ...rest, firstName: givenName as string }),
  },
  {
    name: 'move of a missing field is a no-op',
    patch: [{ operation: 'move', from: '/nothing', field: '/x' }],
    expect: (d) => d,
  },
  {
    name: 'move an array element to the end',
    patch: [{ operation: 'move', from: '/tags/0', field: '/tags/-' }],
    expect: (d) => ({ ...d, tags: ['b', 'a', 'c', 'a'] }),
  },
  {
    name: 'copy duplicates a value',
    patch: [{ operation: 'copy', from: '/address', field: '/billing' }],
    expect: (d) => ({ ...d, billing: { city: 'Paris', lines: ['1 rue'] } }),
  },
  {
    name: 'copy of a missing field is a no-op',
    patch: [{ operation: 'copy', from: '/nothing', field: '/x' }],
    expect: (d) => d,
  },
  // metadata and sequencing
  {
    name: '_rev operations are ignored',
    patch: [{ operation: 'replace', field: '/_rev', value: '7' }],
    expect: (d) => d,
  },
  { name: 'an empty patch changes nothing', patch: [], expect: (d) => d },
  {
    name: 'operations apply in order, each seeing the previous result',
    patch: [
      { operation: 'add', field: '/sn', value: 'Doe' },
      { operation: 'copy', from: '/sn', field: '/displayName' },
      { operation: 'remove', field: '/sn' },
    ],
    expect: (d) => ({ ...d, displayName: 'Doe' }),
  },
];

describe('applyPatch', () => {
  it.each(rows)('$name', ({ patch, expect: expected }) => {
    const before = user();
    const snapshot = JSON.stringify(before);
    const after = applyPatch(before, patch);
    expect(after).toEqual(expected(user()));
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('does not share nested values between the input, the patch and the result', () => {
    const before = user();
    const value = { city: 'Nice' };
    const after = applyPatch(before, [{ operation: 'add', field: '/home', value }]);
    value.city = 'changed';
    (after.address as JsonObject).city = 'changed';
    expect(after.home).toEqual({ city: 'Nice' });
    expect((before.address as JsonObject).city).toBe('Paris');
  });

  it('never touches the prototype of Object', () => {
    applyPatch({}, [{ operation: 'add', field: '/__proto__/polluted', value: true }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
