import { join } from 'node:path';
import { ConfigError } from '../../../src/config/config.error';
import { loadProject } from '../../../src/config/project.loader';
import { DomainError } from '../../../src/core/errors/domain-error';
import { FIXTURES, removeTempProjects, tempProject, thrownBy } from './temp-project.factory';

afterAll(removeTempProjects);

/** The problem lines of the ConfigError that loading `dir` raises. */
function problemsOf(dir: string, env: NodeJS.ProcessEnv = {}): string[] {
  const error = thrownBy(() => loadProject(dir, env));
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  return error.message
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
}

describe('ConfigError messages', () => {
  it('lists every problem of every file of a project with wrong types, each with file, JSON path and expectation', () => {
    const lines = problemsOf(join(FIXTURES, 'wrong-type'));
    expect(lines).toEqual([
      'config/authentication.json: /internalUsers/0/roles: expected an array, got string "openidm-admin"',
      'config/authentication.json: /internalUsers/1/password/$hash/algorithm: expected "scrypt", got string "md5"',
      'config/authentication.json: /internalUsers/1/password/$hash/hash: expected a base64 hash, got a string (value hidden)',
      'config/managed.json: /objects/0/schema/properties/userName/type: expected a type name (string, number, integer, ' +
        'boolean, object, array, null, relationship) or an array of them, got string "strng"',
      'config/managed.json: /objects/0/schema/properties/mail/serchable: expected "searchable" (a key Concord reads), ' +
        'got unknown key "serchable"',
      'config/managed.json: /objects/0/schema/properties/phones/items/type: expected a type name (string, number, ' +
        'integer, boolean, object, array, null, relationship) or an array of them, got number 5',
      'config/managed.json: /objects/0/schema/properties/status/scope: expected "private" or "public", got string "secret"',
      'config/managed.json: /objects/0/schema/required/1: expected the name of a property declared in "properties", ' +
        'got "usrName"',
      'config/managed.json: /objects/1/name: expected an object type name (letters, digits, "_" and "-"), ' +
        'got string "team/members"',
    ]);
  });

  it('starts with a summary naming the project and the number of problems', () => {
    const error = thrownBy(() => loadProject(join(FIXTURES, 'duplicate-name'), {}));
    expect(error.message.split('\n')[0]).toBe(
      `Invalid configuration in ${join(FIXTURES, 'duplicate-name')} (1 problem):`,
    );
  });

  it('rejects a duplicate managed object name, pointing at the second one', () => {
    expect(problemsOf(join(FIXTURES, 'duplicate-name'))).toEqual([
      'config/managed.json: /objects/2/name: expected a unique object name, got "user" again (first at index 0)',
    ]);
  });

  it('rejects audit.json watched fields that are not field names or JSON pointers', () => {
    const dir = tempProject({
      'config/audit.json': JSON.stringify({
        eventTopics: { activity: { watchedFields: ['mail', 'bad~2'], passwordFields: 'password' } },
      }),
    });
    const lines = problemsOf(dir);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^config\/audit\.json: \/eventTopics\/activity\/watchedFields\/1: .*'bad~2'/);
    expect(lines[1]).toMatch(
      /^config\/audit\.json: \/eventTopics\/activity\/passwordFields: expected an array/,
    );
  });

  it('rejects audit.json filters Concord cannot honour: unknown action names and filter scripts', () => {
    const dir = tempProject({
      'config/audit.json': JSON.stringify({
        eventTopics: {
          activity: { filter: { actions: ['create', 'upsert'] } },
          recon: { filter: { triggers: { recon: ['CONFIRMED'] } } },
          sync: { filter: { script: { type: 'text/javascript', source: 'true' } } },
        },
      }),
    });
    const lines = problemsOf(dir);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^config\/audit\.json: \/eventTopics\/activity\/filter\/actions\/1: expected one of create, read, update/,
    );
    expect(lines[1]).toMatch(
      /^config\/audit\.json: \/eventTopics\/recon\/filter\/triggers\/recon\/0: expected one of create,/,
    );
    expect(lines[2]).toMatch(
      /^config\/audit\.json: \/eventTopics\/sync\/filter\/script: expected no script \(Concord runs no audit filter scripts/,
    );
  });

  it("rejects OpenIDM 3's managed property list, whose encryption and scope would be lost", () => {
    const dir = tempProject({
      'config/managed.json': JSON.stringify({
        objects: [
          { name: 'user', properties: [{ name: 'password', encryption: { key: 'k' }, scope: 'private' }] },
        ],
      }),
    });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /^config\/managed\.json: \/objects\/0\/properties: expected the properties of "schema" \(OpenIDM 4\+\)/,
      ),
    ]);
  });

  it('rejects a duplicate internal user', () => {
    const dir = tempProject({
      'config/authentication.json': JSON.stringify({
        internalUsers: [
          { userName: 'ops', password: 'a', roles: [] },
          { userName: 'ops', password: 'b', roles: [] },
        ],
      }),
    });
    expect(problemsOf(dir)).toEqual([
      'config/authentication.json: /internalUsers/1/userName: expected a unique user name, got "ops" again (first at index 0)',
    ]);
  });

  it('refuses a PostgreSQL pool of one connection, which live sync would exhaust', () => {
    const dir = tempProject({
      'config/repo.json': '{"postgres": {"url": "postgresql://h/db", "poolSize": 1}}',
    });
    expect(problemsOf(dir)).toEqual([
      'config/repo.json: /postgres/poolSize: expected an integer from 2 to 1000, got number 1',
    ]);
  });

  it('names an unknown &{property} without default with the file and JSON path', () => {
    expect(problemsOf(join(FIXTURES, 'unknown-property'))).toEqual([
      'config/repo.json: /postgres/url: expected property "concord.db.password" to be defined (environment variable ' +
        'CONCORD_DB_PASSWORD, boot.properties, or a default as &{concord.db.password|value}), got no value',
    ]);
  });

  it.each([
    [
      'a trailing comma',
      '{\n  "objects": [\n    { "name": "user", }\n  ]\n}',
      'line 3, column 23',
      'a double-quoted property name, got "}"',
    ],
    [
      'a misspelt literal',
      '{\n  "objects": [{ "name": "user",\n "x": tru }]\n}',
      'line 3, column 10',
      '"true", got " "',
    ],
    [
      'a missing bracket',
      '{"objects": [{"name": "user"}',
      'line 1, column 30',
      "',' or ']', got end of file",
    ],
    [
      'an empty file',
      '',
      'line 1, column 1',
      'a value (object, array, string, number, true, false or null), got end of file',
    ],
  ])('gives the line and column of invalid JSON (%s)', (_what, text, where, expectation) => {
    const dir = tempProject({ 'config/managed.json': text });
    expect(problemsOf(dir)).toEqual([
      `config/managed.json: invalid JSON at ${where}: expected ${expectation}`,
    ]);
  });

  it('does not fail the start for invalid JSON in a file Concord does not use', () => {
    const project = loadProject(tempProject({ 'config/ui.json': '{ nope' }), {});
    expect(project.notices).toContain(
      'config/ui.json: not used by Concord (and not valid JSON at line 1, column 3)',
    );
    expect(project.otherFiles).toEqual({});
  });

  it('reports a port that is not a number with where it came from', () => {
    expect(problemsOf(tempProject({ 'config/boot.properties': 'openidm.port.http=80a' }))).toEqual([
      'config/boot.properties: /openidm.port.http: expected a port number from 1 to 65535, got "80a"',
    ]);
    expect(problemsOf(tempProject({ 'config/ui.json': '{}' }), { OPENIDM_PORT_HTTP: '70000' })).toEqual([
      'environment: /OPENIDM_PORT_HTTP: expected a port number from 1 to 65535, got "70000"',
    ]);
  });

  it.each([
    [
      'both kinds',
      '{"postgres": {"url": "postgres://h/db"}, "embedded": {}}',
      '/: expected either "postgres" or "embedded", got both',
    ],
    [
      'an unknown key',
      '{"embeded": {}}',
      '/embeded: expected no key other than the documented ones, got unknown key "embeded"',
    ],
    [
      'a pool size out of range',
      '{"postgres": {"url": "postgres://h/db", "poolSize": 0}}',
      '/postgres/poolSize: expected an integer from 2 to 1000, got number 0',
    ],
    [
      'a bad schema name',
      '{"postgres": {"url": "postgres://h/db", "schema": "my-schema"}}',
      '/postgres/schema: expected a schema name (letters, digits, "_"), got string "my-schema"',
    ],
    [
      'no URL anywhere',
      '{"postgres": {"schema": "idm"}}',
      '/postgres/url: expected a postgres URL here or in DATABASE_URL, got nothing',
    ],
  ])('explains a wrong repo.json (%s)', (_what, text, expectation) => {
    expect(problemsOf(tempProject({ 'config/repo.json': text }))).toEqual([
      `config/repo.json: ${expectation}`,
    ]);
  });

  it('reports a file whose top level is not an object', () => {
    expect(problemsOf(tempProject({ 'config/managed.json': '[]' }))).toEqual([
      'config/managed.json: /: expected an object, got an array of 0 item(s)',
    ]);
  });

  it('reports a missing required key as "got nothing"', () => {
    expect(problemsOf(tempProject({ 'config/managed.json': '{"objects": [{"schema": {}}]}' }))).toEqual([
      'config/managed.json: /objects/0/name: expected an object type name (letters, digits, "_" and "-"), ' +
        'got nothing (the key is missing)',
    ]);
  });
});
