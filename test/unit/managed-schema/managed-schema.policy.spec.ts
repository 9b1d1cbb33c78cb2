import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileManagedConfig,
  compileManagedSchema,
  type ManagedTypeSchema,
  type PolicyFailure,
  policyError,
  validateObject,
} from '../../../src/core/managed/managed-schema';
import type { JsonObject } from '../../../src/managed/managed-object';

const schemas = compileManagedConfig(
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'managed.json'), 'utf8')),
);
const userSchema = schemas.find((s) => s.name === 'user') as ManagedTypeSchema;
const roleSchema = schemas.find((s) => s.name === 'role') as ManagedTypeSchema;

const validUser = (): JsonObject => ({
  userName: 'jdoe',
  givenName: 'John',
  sn: 'Doe',
  mail: 'jdoe@example.com',
  description: 'undeclared properties are stored as given',
  customFlags: [1, 'two', { three: 3 }],
});

const rows: { name: string; change: JsonObject; remove?: string[]; failures: PolicyFailure[] }[] = [
  { name: 'a complete user', change: {}, failures: [] },
  { name: 'a nullable type set to null', change: { telephoneNumber: null }, failures: [] },
  {
    name: 'a relationship reference',
    change: { manager: { _ref: 'managed/user/u2' }, roles: [] },
    failures: [],
  },
  { name: 'an integer property holding an integer', change: { loginCount: 3 }, failures: [] },
  {
    name: 'missing required properties',
    change: {},
    remove: ['sn', 'mail'],
    failures: [
      { property: 'sn', policyRequirements: [{ policyRequirement: 'REQUIRED' }] },
      { property: 'mail', policyRequirements: [{ policyRequirement: 'REQUIRED' }] },
    ],
  },
  {
    name: 'an empty userName (not-empty policy)',
    change: { userName: '' },
    failures: [{ property: 'userName', policyRequirements: [{ policyRequirement: 'REQUIRED' }] }],
  },
  {
    name: 'a null userName: empty and of the wrong type',
    change: { userName: null },
    failures: [
      {
        property: 'userName',
        policyRequirements: [
          { policyRequirement: 'REQUIRED' },
          { policyRequirement: 'VALID_TYPE', params: { invalidType: 'null', validTypes: ['string'] } },
        ],
      },
    ],
  },
  {
    name: 'a number where a string is declared',
    change: { givenName: 42 },
    failures: [
      {
        property: 'givenName',
        policyRequirements: [
          { policyRequirement: 'VALID_TYPE', params: { invalidType: 'number', validTypes: ['string'] } },
        ],
      },
    ],
  },
  {
    name: 'a string where string-or-null is declared, wrong type reported with both',
    change: { telephoneNumber: ['555'] },
    failures: [
      {
        property: 'telephoneNumber',
        policyRequirements: [
          {
            policyRequirement: 'VALID_TYPE',
            params: { invalidType: 'array', validTypes: ['string', 'null'] },
          },
        ],
      },
    ],
  },
  {
    name: 'a fractional number where integer is declared',
    change: { loginCount: 1.5 },
    failures: [
      {
        property: 'loginCount',
        policyRequirements: [
          { policyRequirement: 'VALID_TYPE', params: { invalidType: 'number', validTypes: ['integer'] } },
        ],
      },
    ],
  },
  {
    name: 'a relationship without _ref',
    change: { manager: { id: 'u2' } },
    failures: [
      {
        property: 'manager',
        policyRequirements: [
          {
            policyRequirement: 'VALID_TYPE',
            params: { invalidType: 'object', validTypes: ['relationship'] },
          },
        ],
      },
    ],
  },
  {
    name: 'an object where an array is declared',
    change: { roles: { _ref: 'managed/role/r1' } },
    failures: [
      {
        property: 'roles',
        policyRequirements: [
          { policyRequirement: 'VALID_TYPE', params: { invalidType: 'object', validTypes: ['array'] } },
        ],
      },
    ],
  },
];

describe('validateObject', () => {
  it.each(rows)('$name', ({ change, remove, failures }) => {
    const doc: JsonObject = { ...validUser(), ...change };
    for (const name of remove ?? []) delete doc[name];
    expect(validateObject(userSchema, doc)).toEqual(failures);
  });

  it('requires every property of the role required list', () => {
    expect(validateObject(roleSchema, { name: 'admins' })).toEqual([
      { property: 'description', policyRequirements: [{ policyRequirement: 'REQUIRED' }] },
    ]);
  });

  it('accepts anything on a type without schema', () => {
    const group = schemas.find((s) => s.name === 'group') as ManagedTypeSchema;
    expect(validateObject(group, { anything: null, goes: [1] })).toEqual([]);
  });
});

describe('policyError', () => {
  it('is the 403 "Failed policy validation" OpenIDM returns, with the failures as detail', () => {
    const failures = validateObject(userSchema, { userName: 'jdoe', givenName: 'John', sn: 'Doe' });
    const error = policyError(failures);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('Failed policy validation');
    expect(error.detail).toEqual({
      result: false,
      failedPolicyRequirements: [
        { property: 'mail', policyRequirements: [{ policyRequirement: 'REQUIRED' }] },
      ],
    });
  });
});

describe('valid-email-address-format policy', () => {
  const schema = compileManagedSchema({
    name: 'user',
    schema: {
      properties: { mail: { type: 'string', policies: [{ policyId: 'valid-email-address-format' }] } },
    },
  });

  it.each([
    ['bjensen@example.com', []],
    ['first.last+tag@mail.example.museum', []],
    ['not-an-email', ['VALID_EMAIL_ADDRESS_FORMAT']],
    ['a@b', ['VALID_EMAIL_ADDRESS_FORMAT']],
    ['two@@example.com', ['VALID_EMAIL_ADDRESS_FORMAT']],
  ])('%s gives %j', (mail, expected) => {
    const failures = validateObject(schema, { mail });
    expect(failures.flatMap((f) => f.policyRequirements.map((r) => r.policyRequirement))).toEqual(expected);
  });
});
