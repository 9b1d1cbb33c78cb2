import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { PROVISIONER_FILE_NAME, compileProvisioner } from '../../../src/connectors/ldap/provisioner.schema';

const sample = () =>
  JSON.parse(
    readFileSync(
      join(__dirname, '../../../samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json'),
      'utf8',
    ),
  );

describe('compileProvisioner', () => {
  it('compiles the sample with its &{…} defaults', () => {
    const config = compileProvisioner(sample());
    expect(config.name).toBe('ldap');
    expect(config.connection.urls).toEqual(['ldap://localhost:1389']);
    expect(config.connection.principal).toBe('cn=Directory Manager,dc=example,dc=com');
    expect(config.uidAttribute).toBe('entryUUID');
    expect(config.pool).toEqual({ maxObjects: 10, maxWaitMs: 150000, maxIdleMs: 120000 });
    expect(config.operationTimeouts).toEqual({});
    expect([...config.objectTypes.keys()]).toEqual(['account', 'group']);
    const password = config.objectTypes.get('account')?.properties.find((p) => p.name === 'userPassword');
    expect([...(password?.flags ?? [])]).toEqual(['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT']);
    expect(config.objectTypes.get('group')?.properties.find((p) => p.name === 'cn')).toMatchObject({
      array: true,
      required: true,
    });
  });

  it('substitutes properties, coercing ports and booleans, with ldaps and failover URLs', () => {
    const raw = sample();
    raw.configurationProperties.ssl = '&{ldap.ssl|false}';
    raw.configurationProperties.failover = ['ldaps://backup:636'];
    const config = compileProvisioner(raw, {
      'openidm.ldap.host': 'dir',
      'openidm.ldap.port': '636',
      'ldap.ssl': 'true',
    });
    expect(config.connection.urls).toEqual(['ldaps://dir:636', 'ldaps://backup:636']);
  });

  it.each<[string, (raw: ReturnType<typeof sample>) => void, string]>([
    ['a bad port', (raw) => (raw.configurationProperties.port = 'eighty'), '/configurationProperties/port'],
    [
      'no base contexts',
      (raw) => (raw.configurationProperties.baseContexts = []),
      '/configurationProperties/baseContexts',
    ],
    [
      'ssl with startTLS',
      (raw) => Object.assign(raw.configurationProperties, { ssl: true, startTLS: true }),
      '/configurationProperties/startTLS',
    ],
    [
      'an unknown flag',
      (raw) => (raw.objectTypes.account.properties.cn.flags = ['NOT_WRITABLE']),
      '/objectTypes/account/properties/cn/flags/0',
    ],
    [
      'a bad failover URL',
      (raw) => (raw.configurationProperties.failover = ['http://x']),
      '/configurationProperties/failover/0',
    ],
    ['no object types', (raw) => (raw.objectTypes = {}), '/objectTypes'],
  ])('rejects %s with CONFIG_INVALID naming the JSON path', (_name, change, path) => {
    const raw = sample();
    change(raw);
    expect(() => compileProvisioner(raw)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(path) }),
    );
  });

  it('names a missing property without a default', () => {
    const raw = sample();
    raw.configurationProperties.host = '&{ldap.host}';
    expect(() => compileProvisioner(raw)).toThrow(
      /\/configurationProperties\/host: expected property "ldap.host" to be defined/,
    );
  });

  it('never shows the credentials: not in JSON, inspect output or errors', () => {
    const config = compileProvisioner(sample(), { 'openidm.ldap.credentials': 's3cr3t-value' });
    expect(JSON.stringify(config.connection)).not.toContain('s3cr3t-value');
    expect(inspect(config, { depth: 10 })).not.toContain('s3cr3t-value');
    expect(config.connection.credentials?.reveal()).toBe('s3cr3t-value');
    const raw = sample();
    raw.configurationProperties.credentials = { $crypto: { value: 's3cr3t-value' } };
    expect(() => compileProvisioner(raw)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
    );
  });

  it('reads denied operations per object type', () => {
    const raw = sample();
    raw.operationOptions = {
      DELETE: { denied: true },
      CREATE: { objectFeatures: { __GROUP__: { denied: true } } },
    };
    const config = compileProvisioner(raw);
    expect([...(config.deniedOperations.account ?? [])]).toEqual(['DELETE']);
    expect([...(config.deniedOperations.group ?? [])].sort()).toEqual(['CREATE', 'DELETE']);
  });

  it.each([
    ['provisioner.openicf-ldap.json', 'ldap'],
    ['provisioner.openicf-hr-directory.json', 'hr-directory'],
    ['provisioner.openicf.json', null],
    ['sync.json', null],
  ])('file name %s gives connector %s', (file, name) => {
    expect(PROVISIONER_FILE_NAME.exec(file)?.[1] ?? null).toBe(name);
  });
});
