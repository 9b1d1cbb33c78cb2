import { DomainError } from '../../../src/core/errors/domain-error';
import { parsePatch } from '../../../src/core/patch/patch.parser';

const badBodies: { name: string; body: unknown; message: RegExp; index?: number }[] = [
  {
    name: 'an object instead of an array',
    body: { operation: 'add', field: '/a', value: 1 },
    message: /not a JSON array of patch operations/,
  },
  { name: 'null', body: null, message: /not a JSON array/ },
  { name: 'a string element', body: ['add'], message: /operation 0: expected a JSON object/, index: 0 },
  { name: 'an array element', body: [[]], message: /operation 0: expected a JSON object/, index: 0 },
  {
    name: 'a missing operation',
    body: [{ field: '/a', value: 1 }],
    message: /'operation' is required/,
    index: 0,
  },
  {
    name: 'a numeric operation',
    body: [{ operation: 1, field: '/a' }],
    message: /'operation' is required/,
    index: 0,
  },
  {
    name: 'a missing field',
    body: [{ operation: 'add', value: 1 }],
    message: /'field' is required/,
    index: 0,
  },
  {
    name: 'an unknown operation',
    body: [
      { operation: 'remove', field: '/a' },
      { operation: 'merge', field: '/a' },
    ],
    message: /operation 1: invalid patch operation type merge/,
    index: 1,
  },
  {
    name: 'a transform operation',
    body: [{ operation: 'transform', field: '/a', value: { type: 'text/javascript', source: 'x' } }],
    message: /transform patch operations are not supported over REST/,
    index: 0,
  },
  {
    name: 'the whole object as field',
    body: [{ operation: 'replace', field: '/', value: {} }],
    message: /whole object/,
    index: 0,
  },
  {
    name: 'add without value',
    body: [{ operation: 'add', field: '/a' }],
    message: /no value provided for add/,
    index: 0,
  },
  {
    name: 'add with null value',
    body: [{ operation: 'add', field: '/a', value: null }],
    message: /no value provided for add/,
    index: 0,
  },
  {
    name: 'increment without value',
    body: [{ operation: 'increment', field: '/a' }],
    message: /no value provided for increment/,
    index: 0,
  },
  {
    name: 'increment with a string',
    body: [{ operation: 'increment', field: '/a', value: '1' }],
    message: /non-numeric value/,
    index: 0,
  },
  {
    name: 'move without from',
    body: [{ operation: 'move', field: '/a' }],
    message: /'from' is required for move/,
    index: 0,
  },
  {
    name: 'copy with a numeric from',
    body: [{ operation: 'copy', field: '/a', from: 3 }],
    message: /'from' is required for copy/,
    index: 0,
  },
  {
    name: 'copy from the whole object',
    body: [{ operation: 'copy', field: '/a', from: '/' }],
    message: /'from' of copy cannot be the whole object/,
    index: 0,
  },
];

describe('parsePatch', () => {
  it.each(badBodies)('rejects $name', ({ body, message, index }) => {
    let caught: unknown;
    try {
      parsePatch(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    const error = caught as DomainError;
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
    if (index !== undefined) expect(error.detail).toMatchObject({ index });
  });

  it('names the index when a pointer is malformed', () => {
    expect(() =>
      parsePatch([
        { operation: 'add', field: '/a', value: 1 },
        { operation: 'remove', field: '/a~2b' },
      ]),
    ).toThrow(/operation 1: 'field': Invalid JSON pointer/);
  });

  it('splits pointers and keeps values and sources', () => {
    expect(
      parsePatch([
        { operation: 'Replace', field: 'address/city', value: 'Lyon' },
        { operation: 'remove', field: '/tags', value: ['a'] },
        { operation: 'move', field: '/b', from: '/a/0' },
        { operation: 'increment', field: '/n', value: -1.5 },
      ]),
    ).toEqual([
      { operation: 'replace', field: ['address', 'city'], value: 'Lyon' },
      { operation: 'remove', field: ['tags'], value: ['a'] },
      { operation: 'move', field: ['b'], from: ['a', '0'] },
      { operation: 'increment', field: ['n'], value: -1.5 },
    ]);
  });
});
