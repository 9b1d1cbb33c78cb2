import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFile } from '../../../src/config/config-file.registry';
import { loadProject } from '../../../src/config/project.loader';
import { compileSyncConfig, syncConfigFile } from '../../../src/core/sync/sync-config.compiler';
import { sampleSyncJson } from './sample-sync';

type Json = Record<string, unknown>;
const mapping = (more: Json = {}): Json => ({
  name: 'a_b',
  source: 'system/ldap/account',
  target: 'managed/user',
  ...more,
});

describe('sync.json: the sample compiles to typed mappings', () => {
  const [ldapToManaged, managedToLdap] = compileSyncConfig(sampleSyncJson(), 'config/sync.json');

  it('keeps names, object sets, and defaults of every key (§1.1)', () => {
    expect(ldapToManaged).toMatchObject({
      name: 'systemLdapAccounts_managedUser',
      source: 'system/ldap/account',
      target: 'managed/user',
      enableSync: true,
      enableLinking: true,
      linkQualifiers: { kind: 'static', names: ['default'] },
      allowEmptySourceSet: false,
      reconSourceQueryPaging: false,
      reconSourceQueryPageSize: 0,
      prefetchLinks: true,
      taskThreads: 10,
      feedSize: 1000,
      correlateEmptyTargetSet: false,
      sourceIdsCaseSensitive: true,
      targetIdsCaseSensitive: true,
      deleteThreshold: { count: 500 },
      sourceQuery: { resourceName: 'system/ldap/account', params: { _queryId: 'query-all-ids' } },
      targetQuery: { resourceName: 'managed/user', params: { _queryId: 'query-all-ids' } },
      where: 'config/sync.json /mappings/0',
    });
    expect(ldapToManaged?.runTargetPhase).toBeUndefined();
    expect(ldapToManaged?.correlation).toBeUndefined();
  });

  it('resolves the shared links: the reverse mapping reads its source ids from secondId', () => {
    expect(ldapToManaged?.link).toEqual({
      type: 'systemLdapAccounts_managedUser',
      reversed: false,
      sourceIdsCaseSensitive: true,
      targetIdsCaseSensitive: true,
    });
    expect(managedToLdap?.link).toEqual({
      type: 'systemLdapAccounts_managedUser',
      reversed: true,
      sourceIdsCaseSensitive: true,
      targetIdsCaseSensitive: true,
    });
  });

  it('compiles properties, conditions and scripts with where they are configured', () => {
    const cn = managedToLdap?.properties[2];
    expect(cn).toMatchObject({
      target: ['cn'],
      source: [],
      where: 'config/sync.json /mappings/1/properties/2',
    });
    expect(cn?.transform).toEqual({
      type: 'text/javascript',
      source: "source.displayName || (source.givenName + ' ' + source.sn);",
      globals: {},
      extra: {},
      where: 'config/sync.json /mappings/1/properties/2/transform',
    });
    expect(managedToLdap?.properties[7]?.condition).toMatchObject({
      kind: 'filter',
      text: '/object/telephoneNumber pr',
    });
    expect(managedToLdap?.properties[4]?.condition).toMatchObject({ kind: 'script' });
    expect(managedToLdap?.hooks.onCreate?.where).toBe('config/sync.json /mappings/1/onCreate');
    expect(managedToLdap?.policies[1]).toEqual({
      situation: 'FOUND',
      action: 'LINK',
      where: 'config/sync.json /mappings/1/policies/1',
    });
    expect(managedToLdap?.raw['comment']).toBe('unknown keys such as this one are ignored, as in OpenIDM');
  });
});

describe('sync.json: every key', () => {
  it('reads overrides, queries with or without the leading underscore, and script options', () => {
    const [m] = compileSyncConfig(
      {
        mappings: [
          mapping({
            enableSync: false,
            enableLinking: 'false',
            validSource: { type: 'text/javascript', source: 'true', globals: { minAge: 18 } },
            validTarget: { type: 'text/javascript', file: 'script/validTarget.js' },
            sourceCondition: '/source/accountStatus eq "active"',
            correlationQuery: [
              { type: 'text/javascript', source: "({_queryFilter: 'uid eq \"' + source.uid + '\"'})" },
              {
                linkQualifier: 'test',
                type: 'text/javascript',
                source: '({_queryId: "for-userName", uid: source.uid})',
              },
            ],
            linkQualifiers: ['default', 'test'],
            sourceQuery: { queryFilter: 'uid sw "j"', fields: 'uid,cn', resourceName: 'system/ldap/account' },
            targetQuery: { _queryFilter: 'true' },
            sourceQueryFullEntry: true,
            runTargetPhase: false,
            allowEmptySourceSet: true,
            reconSourceQueryPaging: true,
            prefetchLinks: false,
            taskThreads: '4',
            feedSize: 50,
            correlateEmptyTargetSet: true,
            sourceIdsCaseSensitive: false,
            deleteThreshold: { count: 20, percent: 5 },
            result: { type: 'text/javascript', source: 'global.reconId', workflowName: 'x' },
            policies: [
              {
                situation: 'ABSENT',
                action: 'CREATE',
                condition: '/linkQualifier eq "test"',
                postAction: { type: 'text/javascript', source: '1' },
              },
            ],
          }),
        ],
      },
      'sync.json',
    );
    expect(m).toMatchObject({
      enableSync: false,
      enableLinking: false,
      sourceCondition: { kind: 'filter', text: '/source/accountStatus eq "active"' },
      linkQualifiers: { kind: 'static', names: ['default', 'test'] },
      sourceQuery: {
        resourceName: 'system/ldap/account',
        params: { _queryFilter: 'uid sw "j"', _fields: 'uid,cn' },
      },
      targetQuery: { resourceName: 'managed/user', params: { _queryFilter: 'true' } },
      sourceQueryFullEntry: true,
      runTargetPhase: false,
      allowEmptySourceSet: true,
      reconSourceQueryPaging: true,
      reconSourceQueryPageSize: 1000,
      prefetchLinks: false,
      taskThreads: 4,
      feedSize: 50,
      correlateEmptyTargetSet: true,
      link: { sourceIdsCaseSensitive: false, targetIdsCaseSensitive: true },
      deleteThreshold: { count: 20, percent: 5 },
    });
    expect(m?.validSource?.globals).toEqual({ minAge: 18 });
    expect(m?.validTarget?.file).toBe('script/validTarget.js');
    expect(m?.hooks.result?.extra).toEqual({ workflowName: 'x' });
    expect(m?.policies[0]?.postAction?.where).toBe('sync.json /mappings/0/policies/0/postAction');
    const correlation = m?.correlation;
    expect(correlation?.kind).toBe('query');
    if (correlation?.kind !== 'query') return;
    expect([...correlation.byQualifier.keys()]).toEqual(['default', 'test']);
    expect(correlation.byQualifier.get('test')?.extra).toEqual({});
    expect(correlation.byQualifier.get('test')?.where).toBe('sync.json /mappings/0/correlationQuery/1');
  });

  it('accepts a single correlationQuery object for the default qualifier, and a linkQualifiers script', () => {
    const [m] = compileSyncConfig(
      {
        mappings: [
          mapping({
            correlationQuery: { type: 'text/javascript', source: '({_queryFilter: "true"})' },
            linkQualifiers: { type: 'text/javascript', source: '["default"]' },
          }),
        ],
      },
      'sync.json',
    );
    expect(m?.correlation?.kind === 'query' && m.correlation.byQualifier.get('default')?.where).toBe(
      'sync.json /mappings/0/correlationQuery',
    );
    expect(m?.linkQualifiers.kind).toBe('script');
  });

  it('accepts an empty file and a file without mappings', () => {
    expect(compileSyncConfig({}, 'sync.json')).toEqual([]);
    expect(compileSyncConfig({ mappings: [] }, 'sync.json')).toEqual([]);
  });
});

describe('syncConfigFile: registered with the config loader', () => {
  it('validates config/sync.json at load and hands the engine typed mappings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-sync-'));
    try {
      mkdirSync(join(dir, 'config'));
      writeFileSync(join(dir, 'config', 'sync.json'), JSON.stringify(sampleSyncJson()));
      const project = loadProject(dir, {}, [syncConfigFile]);
      const sync = configFile(project, syncConfigFile);
      expect(sync?.mappings.map((m) => m.name)).toEqual([
        'systemLdapAccounts_managedUser',
        'managedUser_systemLdapAccounts',
      ]);
      writeFileSync(
        join(dir, 'config', 'sync.json'),
        JSON.stringify({ mappings: [mapping({ onUpdate: { type: 'groovy', source: 'x' } })] }),
      );
      expect(() => loadProject(dir, {}, [syncConfigFile])).toThrow(
        'config/sync.json: /mappings/0/onUpdate/type: expected "text/javascript", got "groovy": groovy is not supported; rewrite as text/javascript',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
