import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../src/core/errors/domain-error';
import {
  applyDefaults,
  compileManagedConfig,
  compileManagedSchema,
  type ManagedTypeSchema,
  searchableProperties,
  stripPrivate,
  uniqueProperties,
} from '../../../src/core/managed/managed-schema';
import type { JsonObject } from '../../../src/managed/managed-object';

const managedJson: unknown = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'managed.json'), 'utf8'));
const schemas = compileManagedConfig(managedJson);
const byName = (name: string): ManagedTypeSchema => schemas.find((s) => s.name === name) as ManagedTypeSchema;
const userSchema = byName('user');
const roleSchema = byName('role');

describe('compileManagedConfig / compileManagedSchema', () => {
  it('compiles every object type of managed.json, schema-less ones included', () => {
    expect(schemas.map((s) => s.name)).toEqual(['user', 'role', 'group']);
    expect(byName('group').properties.size).toBe(0);
  });

  it.each([
    [
      'userName',
      { types: ['string'], required: true, notEmpty: true, searchable: true, unique: true, private: false },
    ],
    ['password', { types: ['string'], required: false, encryptionKey: 'openidm-sym-default', private: true }],
    ['accountStatus', { searchable: true, defaultValue: 'active', required: false }],
    ['telephoneNumber', { types: ['string', 'null'], searchable: false }],
    ['manager', { types: ['relationship'] }],
    ['lastSync', { types: ['object'], private: true }],
    ['_id', { private: false, searchable: false }],
    ['mail', { required: true, unique: false, encryptionKey: undefined }],
  ])('user.%s compiles to the declared flags', (name, expected) => {
    expect(userSchema.properties.get(name)).toMatchObject({ name, ...expected });
  });

  it('keeps the required list and the UI order', () => {
    expect(userSchema.required).toEqual(['userName', 'givenName', 'sn', 'mail']);
    expect(roleSchema.order).toEqual(['_id', 'name', 'description', 'members']);
  });

  it('names the JSON path when a single object entry is compiled', () => {
    expect(() =>
      compileManagedSchema(
        { name: 'user', schema: { properties: { age: { type: [] } } } },
        'managed.json objects[3]',
      ),
    ).toThrow(/^managed\.json objects\[3\]: invalid value at \$\.schema\.properties\.age\.type/);
  });

  it('treats a "required" policy like the required list', () => {
    const schema = compileManagedSchema({
      name: 'device',
      schema: { properties: { serial: { type: 'string', policies: [{ policyId: 'required' }] } } },
    });
    expect(schema.required).toEqual(['serial']);
  });

  const invalid: { name: string; config: unknown; message: RegExp }[] = [
    {
      name: 'no objects array',
      config: { object: [] },
      message: /managed\.json: invalid value at \$\.objects/,
    },
    {
      name: 'an object without name',
      config: { objects: [{ schema: {} }] },
      message: /managed\.json: invalid value at \$\.objects\[0\]\.name: .*expected string/,
    },
    {
      name: 'a name with a slash',
      config: { objects: [{ name: 'a/b' }] },
      message: /\$\.objects\[0\]\.name: a managed object name/,
    },
    {
      name: 'an unknown property type',
      config: { objects: [{ name: 'user', schema: { properties: { age: { type: 'int' } } } }] },
      message: /\$\.objects\[0\]\.schema\.properties\.age\.type: a type name or a non-empty array of them/,
    },
    {
      name: 'a required list that is not an array',
      config: { objects: [{ name: 'user', schema: { required: 'userName' } }] },
      message: /\$\.objects\[0\]\.schema\.required: .*expected array/,
    },
    {
      name: 'an encryption without key',
      config: { objects: [{ name: 'user', schema: { properties: { password: { encryption: {} } } } }] },
      message: /\$\.objects\[0\]\.schema\.properties\.password\.encryption\.key/,
    },
    {
      name: 'a type defined twice',
      config: { objects: [{ name: 'user' }, { name: 'user' }] },
      message: /"user" is defined twice/,
    },
  ];

  it.each(invalid)('refuses $name with CONFIG_INVALID naming the path', ({ config, message }) => {
    let caught: unknown;
    try {
      compileManagedConfig(config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('CONFIG_INVALID');
    expect((caught as DomainError).message).toMatch(message);
  });
});

describe('applyDefaults', () => {
  it.each<[string, JsonObject, JsonObject]>([
    [
      'fills absent defaults',
      { userName: 'jdoe' },
      { userName: 'jdoe', accountStatus: 'active', loginCount: 0 },
    ],
    [
      'keeps values the client sent',
      { accountStatus: 'inactive', loginCount: 4 },
      { accountStatus: 'inactive', loginCount: 4 },
    ],
    ['keeps an explicit null', { accountStatus: null }, { accountStatus: null, loginCount: 0 }],
  ])('%s', (_name, doc, expected) => {
    const snapshot = JSON.stringify(doc);
    expect(applyDefaults(userSchema, doc)).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(snapshot);
  });

  it('honours object defaults without sharing them between documents', () => {
    const schema = compileManagedSchema({
      name: 'thing',
      schema: { properties: { prefs: { type: 'object', default: { theme: 'light' } } } },
    });
    const first = applyDefaults(schema, {});
    (first.prefs as JsonObject).theme = 'dark';
    expect(applyDefaults(schema, {})).toEqual({ prefs: { theme: 'light' } });
  });
});

describe('stripPrivate', () => {
  it('removes private and encrypted properties, keeps _id, declared and undeclared public ones', () => {
    const stored: JsonObject = {
      _id: 'u1',
      userName: 'jdoe',
      password: { $crypto: { type: 'x-simple-encryption', value: {} } },
      lastSync: { timestamp: '2024-01-01T00:00:00Z' },
      description: 'undeclared but stored',
    };
    expect(stripPrivate(userSchema, stored)).toEqual({
      _id: 'u1',
      userName: 'jdoe',
      description: 'undeclared but stored',
    });
    expect(stored.password).toBeDefined();
  });
});

describe('searchableProperties / uniqueProperties', () => {
  it('lists searchable properties with their primary type', () => {
    expect(searchableProperties(userSchema)).toEqual(
      new Map([
        ['userName', 'string'],
        ['givenName', 'string'],
        ['sn', 'string'],
        ['mail', 'string'],
        ['accountStatus', 'string'],
        ['loginCount', 'integer'],
      ]),
    );
  });

  it('uses the first non-null type, and string when none is declared', () => {
    const schema = compileManagedSchema({
      name: 'thing',
      schema: {
        properties: { code: { type: ['null', 'number'], searchable: true }, tag: { searchable: true } },
      },
    });
    expect(searchableProperties(schema)).toEqual(
      new Map([
        ['code', 'number'],
        ['tag', 'string'],
      ]),
    );
  });

  it('finds unique properties from the unique policy and the unique flag', () => {
    expect(uniqueProperties(userSchema)).toEqual(['userName']);
    expect(uniqueProperties(roleSchema)).toEqual(['name']);
    const schema = compileManagedSchema({
      name: 'account',
      schema: { properties: { login: { type: 'string', policies: [{ policyId: 'valid-username' }] } } },
    });
    expect(uniqueProperties(schema)).toEqual(['login']);
  });
});

describe('privateProperties / encryptedProperties', () => {
  it('lists what clients never see and which key encrypts what', () => {
    expect(userSchema.privateProperties).toEqual(['password', 'lastSync']);
    expect(userSchema.encryptedProperties).toEqual(new Map([['password', 'openidm-sym-default']]));
    expect(roleSchema.privateProperties).toEqual([]);
    expect(roleSchema.encryptedProperties.size).toBe(0);
  });

  it('hides an encrypted property even when it is not marked private', () => {
    const schema = compileManagedSchema({
      name: 'user',
      schema: { properties: { securityAnswer: { type: 'string', encryption: { key: 'answers' } } } },
    });
    expect(schema.privateProperties).toEqual(['securityAnswer']);
    expect(stripPrivate(schema, { securityAnswer: { $crypto: {} }, userName: 'x' })).toEqual({
      userName: 'x',
    });
  });
});
