import { auditConfigFile } from '../../../src/audit/audit-config.file';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/config.error';
import {
  configFile,
  configFiles,
  defineConfigFile,
  repoConfigFile,
} from '../../../src/config/config-file.registry';
import { DEFAULT_MANAGED_CONFIG } from '../../../src/config/managed-config.default';
import { loadProject } from '../../../src/config/project.loader';
import { z } from 'zod';
import { FIXTURES, removeTempProjects, tempProject, thrownBy } from './temp-project.factory';

const fixture = (name: string): string => join(FIXTURES, name);

afterAll(removeTempProjects);

describe('loadProject: a valid project', () => {
  const project = loadProject(fixture('valid-project'), {});

  it('reads config/ and returns typed, substituted managed objects', () => {
    expect(project.configDir).toBe(join(fixture('valid-project'), 'config'));
    expect(project.managed.objects.map((o) => o.name)).toEqual(['user', 'device-type_2']);
    const user = project.managed.objects[0]?.schema?.properties;
    expect(user?.userName).toMatchObject({ type: 'string', searchable: true, unique: true, viewable: true });
    // "&{concord.test.mail.searchable|true}" became the boolean true
    expect(user?.mail?.searchable).toBe(true);
    expect(user?.roles?.items?.type).toBe('relationship');
    expect(project.managed.objects[0]).toHaveProperty('onCreate');
  });

  it('takes internal users from authentication.json with the password property resolved', () => {
    const users = project.authentication.internalUsers;
    expect(users.map((u) => u.userName)).toEqual(['openidm-admin', 'recon-bot']);
    expect(users[0]?.password).toBe('not-the-default');
    expect(users[1]?.password).toEqual({
      $hash: { algorithm: 'scrypt', salt: 'c2FsdHNhbHQ=', hash: 'aGFzaGhhc2g=', N: 16384, r: 8 },
    });
    expect(project.authentication.adminPasswordIsDefault).toBe(false);
    expect(project.authentication.serverAuthContext?.authModules?.[0]?.enabled).toBe(true);
  });

  it('resolves the embedded data directory against the project', () => {
    expect(project.repo).toEqual({ kind: 'embedded', dataDir: join(fixture('valid-project'), 'var/db') });
  });

  it('takes the HTTP port from boot.properties and defaults the host', () => {
    expect(project.boot).toEqual({ httpPort: 18080, host: '0.0.0.0' });
  });

  it('keeps unregistered files as raw JSON and says they are not used', () => {
    expect(project.otherFiles['ui.json']).toEqual({ configs: [{ name: 'ui', enabled: true }] });
    expect(project.notices).toContain('config/ui.json: not used by Concord');
    expect(Object.keys(project.files).sort()).toEqual(['audit', 'authentication', 'managed', 'repo']);
  });

  it("reads audit.json, keeping OpenIDM's event handler settings as they are", () => {
    expect(configFile(project, auditConfigFile)).toEqual({
      auditServiceConfig: { handlerForQueries: 'repo', availableAuditEventHandlers: [] },
    });
  });

  it('offers the validated files through their registry entry', () => {
    expect(configFile(project, repoConfigFile)).toEqual({ embedded: { dataDir: 'var/db' } });
  });
});

describe('loadProject: defaults', () => {
  it('uses the built-in user/role, the default admin and an embedded database in data/db', () => {
    const dir = tempProject({ 'config/ui.json': '{}' });
    const project = loadProject(dir, {});
    expect(project.managed).toEqual(DEFAULT_MANAGED_CONFIG);
    const userProps = project.managed.objects.find((o) => o.name === 'user')?.schema?.properties;
    expect(userProps?.userName).toMatchObject({ required: true, searchable: true, unique: true });
    expect(userProps?.password).toMatchObject({
      scope: 'private',
      encryption: { key: 'openidm-sym-default' },
    });
    expect(userProps?.accountStatus).toMatchObject({ default: 'active', searchable: true });
    expect(project.authentication.internalUsers).toEqual([
      {
        userName: 'openidm-admin',
        password: 'openidm-admin',
        roles: ['openidm-admin', 'openidm-authorized'],
      },
    ]);
    expect(project.authentication.adminPasswordIsDefault).toBe(true);
    expect(project.repo).toEqual({ kind: 'embedded', dataDir: join(dir, 'data/db') });
    expect(project.boot).toEqual({ httpPort: 8080, host: '0.0.0.0' });
    expect(project.notices).toContain('no managed.json: using the built-in "user" and "role" object types');
  });

  it('lets OPENIDM_ADMIN_PASSWORD replace the default admin password', () => {
    const project = loadProject(tempProject({ 'config/ui.json': '{}' }), { OPENIDM_ADMIN_PASSWORD: 'Sup3r' });
    expect(project.authentication.internalUsers[0]?.password).toBe('Sup3r');
    expect(project.authentication.adminPasswordIsDefault).toBe(false);
  });

  it('uses the default admin when authentication.json declares no internal users (OpenIDM samples)', () => {
    const dir = tempProject({
      'config/authentication.json': '{"serverAuthContext": {"authModules": [{"name": "PASSTHROUGH"}]}}',
    });
    const project = loadProject(dir, {});
    expect(project.authentication.internalUsers.map((u) => u.userName)).toEqual(['openidm-admin']);
    expect(project.authentication.serverAuthContext?.authModules?.[0]?.name).toBe('PASSTHROUGH');
  });
});

describe('loadProject: layout and properties', () => {
  it("accepts OpenIDM's conf/ folder and its boot.properties", () => {
    const project = loadProject(fixture('conf-layout'), {});
    expect(project.configDir).toBe(join(fixture('conf-layout'), 'conf'));
    expect(project.managed.objects.map((o) => o.name)).toEqual(['user']);
    expect(project.boot.host).toBe('127.0.0.2');
    // sync.json is one of the files Concord reads, so an OpenIDM project's mappings are validated at load.
    expect(project.checkedFiles.map((file) => file.fileName)).toContain('sync.json');
  });

  it('prefers config/ when both folders exist, and says so', () => {
    const dir = tempProject({
      'config/managed.json': '{"objects": []}',
      'conf/managed.json': '{"objects": 1}',
    });
    const project = loadProject(dir, {});
    expect(project.managed.objects).toEqual([]);
    expect(project.notices).toContain('conf/: ignored because config/ exists');
  });

  it('reads the port from config/boot.properties before resolver/boot.properties', () => {
    const project = loadProject(fixture('boot-port'), {});
    expect(project.boot.httpPort).toBe(9191);
    expect(project.boot.encryptionKey).toBe('from-resolver');
  });

  it.each([
    ['the derived environment variable', { OPENIDM_PORT_HTTP: '7070' }, 7070],
    ['the exact property name in the environment', { 'openidm.port.http': '7171' }, 7171],
    [
      'the derived variable over the exact name',
      { OPENIDM_PORT_HTTP: '7070', 'openidm.port.http': '7171' },
      7070,
    ],
    ['boot.properties when the variable is empty', { OPENIDM_PORT_HTTP: '' }, 9191],
  ])('lets %s override boot.properties', (_what, env, port) => {
    expect(loadProject(fixture('boot-port'), env).boot.httpPort).toBe(port);
  });

  it('takes the encryption key from CONCORD_ENCRYPTION_KEY first and the node id from CONCORD_NODE_ID', () => {
    const env = { CONCORD_ENCRYPTION_KEY: 'k-from-env', CONCORD_NODE_ID: 'node-2', OPENIDM_HOST: '::1' };
    expect(loadProject(fixture('boot-port'), env).boot).toEqual({
      httpPort: 9191,
      host: '::1',
      encryptionKey: 'k-from-env',
      nodeId: 'node-2',
    });
  });

  it('fails clearly when the project has neither config/ nor conf/', () => {
    const dir = tempProject({ 'readme.txt': 'nothing here' });
    const error = thrownBy(() => loadProject(dir, {}));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(
      `${dir}: expected a config/ folder (or OpenIDM's conf/) inside the project`,
    );
  });

  it('fails clearly when the project directory does not exist', () => {
    const error = thrownBy(() => loadProject('/nonexistent/concord-project', {}));
    expect(error.message).toContain('/nonexistent/concord-project: expected an existing project directory');
  });
});

describe('loadProject: repository', () => {
  const pgFile = {
    'config/repo.json': '{"postgres": {"url": "postgresql://a:b@h/db", "schema": "idm", "poolSize": "4"}}',
  };

  it('reads a PostgreSQL repository from repo.json', () => {
    expect(loadProject(tempProject(pgFile), {}).repo).toEqual({
      kind: 'postgres',
      url: 'postgresql://a:b@h/db',
      schema: 'idm',
      poolSize: 4,
    });
  });

  it('lets DATABASE_URL win over repo.json, keeping its schema and pool size', () => {
    const env = { DATABASE_URL: 'postgres://x:y@other:5433/concord' };
    expect(loadProject(tempProject(pgFile), env).repo).toEqual({
      kind: 'postgres',
      url: 'postgres://x:y@other:5433/concord',
      schema: 'idm',
      poolSize: 4,
    });
  });

  it('uses DATABASE_URL with defaults when there is no repo.json', () => {
    const env = { DATABASE_URL: 'postgres://x@h/db' };
    expect(loadProject(tempProject({ 'config/ui.json': '{}' }), env).repo).toEqual({
      kind: 'postgres',
      url: 'postgres://x@h/db',
      schema: 'public',
      poolSize: 10,
    });
  });

  it('resolves properties inside repo.json', () => {
    const env = { CONCORD_DB_PASSWORD: 'pw', CONCORD_DB_POOL: '7' };
    expect(loadProject(fixture('unknown-property'), env).repo).toEqual({
      kind: 'postgres',
      url: 'postgresql://concord:pw@db.example.com:5432/concord',
      schema: 'concord',
      poolSize: 7,
    });
  });
});

describe('loadProject: managed object scripts', () => {
  it('accepts them and says they are not run', () => {
    const managed = {
      objects: [
        { name: 'user', onCreate: { type: 'text/javascript', source: 'object.x = 1' } },
        {
          name: 'role',
          postDelete: { type: 'text/javascript', file: 'script/x.js' },
          onRead: { source: '1' },
        },
      ],
    };
    const project = loadProject(tempProject({ 'config/managed.json': JSON.stringify(managed) }), {});
    expect(project.notices.filter((notice) => notice.includes('managed object scripts'))).toEqual([
      'config/managed.json: /objects/0/onCreate: managed object scripts are not run by Concord',
      'config/managed.json: /objects/1/onRead: managed object scripts are not run by Concord',
      'config/managed.json: /objects/1/postDelete: managed object scripts are not run by Concord',
    ]);
  });
});

describe('loadProject: the launcher locations OpenIDM and PingIDM define', () => {
  const handlers = {
    eventHandlers: [
      {
        class: 'JsonAuditEventHandler',
        config: { logDirectory: '&{idm.data.dir}/audit', topics: ['access'] },
      },
      { class: 'CsvAuditEventHandler', config: { logDirectory: '&{launcher.working.location}/audit' } },
    ],
  };

  it('resolves idm.*.dir and launcher.*.location to the project directory', () => {
    const dir = tempProject({ 'config/audit.json': JSON.stringify(handlers) });
    const audit = configFile(loadProject(dir, {}), auditConfigFile) as typeof handlers;
    expect(audit.eventHandlers.map((h) => h.config.logDirectory)).toEqual([`${dir}/audit`, `${dir}/audit`]);
  });

  it('lets the environment and boot.properties set them', () => {
    const dir = tempProject({
      'config/audit.json': JSON.stringify(handlers),
      'config/boot.properties': 'launcher.working.location=/srv/idm\n',
    });
    const audit = configFile(
      loadProject(dir, { IDM_DATA_DIR: '/var/lib/idm' }),
      auditConfigFile,
    ) as typeof handlers;
    expect(audit.eventHandlers.map((h) => h.config.logDirectory)).toEqual([
      '/var/lib/idm/audit',
      '/srv/idm/audit',
    ]);
  });
});

describe('loadProject: extra registered files', () => {
  const scheduleFile = defineConfigFile({
    match: /^schedule-.+\.json$/,
    schema: z.object({ enabled: z.boolean(), schedule: z.string() }),
    key: (name) => `schedule/${name.slice('schedule-'.length, -'.json'.length)}`,
  });

  it('validates a family of files under one key each', () => {
    const dir = tempProject({
      'config/schedule-recon.json': '{"enabled": true, "schedule": "&{recon.cron|30 0/1 * * * ?}"}',
      'config/schedule-live.json': '{"enabled": false, "schedule": "0 * * * * ?"}',
    });
    const project = loadProject(dir, {}, [scheduleFile]);
    expect(configFiles(project, scheduleFile)).toEqual(
      new Map([
        ['schedule/live', { enabled: false, schedule: '0 * * * * ?' }],
        ['schedule/recon', { enabled: true, schedule: '30 0/1 * * * ?' }],
      ]),
    );
    expect(project.otherFiles).toEqual({});
  });

  it('reports a registered file that does not match its schema', () => {
    const dir = tempProject({ 'config/schedule-recon.json': '{"enabled": "yes"}' });
    const error = thrownBy(() => loadProject(dir, {}, [scheduleFile]));
    expect(error.message).toContain(
      'config/schedule-recon.json: /enabled: expected a boolean, got string "yes"',
    );
    expect(error.message).toContain('config/schedule-recon.json: /schedule: expected a string, got nothing');
  });
});
