import { DomainError } from '../../../src/core/errors/domain-error';
import {
  propertyEnvName,
  resolveProperties,
  substituteProperties,
} from '../../../src/core/config/property-substitution';

const properties: Record<string, string> = {
  'openidm.port.http': '9090',
  'ldap.host': 'ldap.example.com',
  'ldap.port': '1389',
  empty: '',
};
const lookup = (name: string): string | undefined => properties[name];

describe('resolveProperties', () => {
  const rows: { name: string; input: unknown; expected: unknown }[] = [
    { name: 'a string without references is unchanged', input: 'plain', expected: 'plain' },
    { name: 'a whole-string reference stays a string', input: '&{openidm.port.http}', expected: '9090' },
    { name: 'a defined property ignores its default', input: '&{openidm.port.http|8080}', expected: '9090' },
    {
      name: 'an undefined property takes its default',
      input: '&{openidm.port.https|8443}',
      expected: '8443',
    },
    { name: 'an empty default gives an empty string', input: 'x&{nope|}y', expected: 'xy' },
    {
      name: 'a default may contain ":" and "/"',
      input: '&{url|ldap://h:389/dc=x}',
      expected: 'ldap://h:389/dc=x',
    },
    {
      name: 'several references in one string',
      input: 'ldap://&{ldap.host}:&{ldap.port}/&{base|dc=example,dc=com}',
      expected: 'ldap://ldap.example.com:1389/dc=example,dc=com',
    },
    {
      name: 'a property defined as empty is used, not its default',
      input: '[&{empty|fallback}]',
      expected: '[]',
    },
    { name: 'spaces around the name are ignored', input: '&{ ldap.port }', expected: '1389' },
    { name: 'numbers, booleans and null are untouched', input: [1, true, null], expected: [1, true, null] },
    {
      name: 'nested objects and arrays are walked',
      input: { a: { b: ['&{ldap.host}', { c: '&{ldap.port|1}' }] }, n: 5 },
      expected: { a: { b: ['ldap.example.com', { c: '1389' }] }, n: 5 },
    },
    {
      name: 'object keys are not substituted',
      input: { '&{ldap.host}': 1 },
      expected: { '&{ldap.host}': 1 },
    },
    { name: 'a lone "&" or "{" is kept', input: 'a & {b}', expected: 'a & {b}' },
  ];

  it.each(rows)('$name', ({ input, expected }) => {
    expect(resolveProperties(input, lookup, 'test.json')).toEqual(expected);
  });

  it('does not modify the value it was given', () => {
    const input = { a: ['&{ldap.host}'] };
    resolveProperties(input, lookup, 'test.json');
    expect(input).toEqual({ a: ['&{ldap.host}'] });
  });

  it('names the missing property, the file and the JSON path', () => {
    const input = { objects: [{ schema: { url: 'postgresql://u:&{db.password}@h/db' } }] };
    expect(() => resolveProperties(input, lookup, 'config/repo.json')).toThrow(DomainError);
    try {
      resolveProperties(input, lookup, 'config/repo.json');
    } catch (error) {
      const domainError = error as DomainError;
      expect(domainError.code).toBe('CONFIG_INVALID');
      expect(domainError.message).toContain(
        'config/repo.json: /objects/0/schema/url: expected property "db.password"',
      );
      expect(domainError.message).toContain('DB_PASSWORD');
    }
  });

  it('reports every missing property, not only the first', () => {
    const result = substituteProperties({ a: '&{one}', b: ['&{two}-&{three|3}-&{four}'] }, lookup, 'x.json');
    expect(result.problems.map((p) => [p.path, p.property])).toEqual([
      ['/a', 'one'],
      ['/b/0', 'two'],
      ['/b/0', 'four'],
    ]);
  });

  it('rejects an empty reference', () => {
    const result = substituteProperties({ a: '&{}' }, lookup, 'x.json');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toContain('expected a property name');
  });

  it('escapes "/" and "~" in JSON paths', () => {
    const result = substituteProperties({ 'a/b': { 'c~d': '&{missing}' } }, lookup, 'x.json');
    expect(result.problems[0]?.path).toBe('/a~1b/c~0d');
  });
});

describe('propertyEnvName', () => {
  it.each([
    ['openidm.port.http', 'OPENIDM_PORT_HTTP'],
    ['openidm.admin.password', 'OPENIDM_ADMIN_PASSWORD'],
    ['ldap-bind.dn', 'LDAP_BIND_DN'],
    ['ALREADY_UPPER', 'ALREADY_UPPER'],
  ])('%s → %s', (name, envName) => {
    expect(propertyEnvName(name)).toBe(envName);
  });
});
