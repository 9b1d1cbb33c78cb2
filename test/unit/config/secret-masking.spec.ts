import { describeRepo } from '../../../src/config/repo-config.resolver';
import { loadProject } from '../../../src/config/project.loader';
import { validateProjectCommand } from '../../../src/config/project-validate.command';
import { maskUrl } from '../../../src/config/secret.mask';
import { removeTempProjects, tempProject, thrownBy } from './temp-project.factory';

afterAll(removeTempProjects);

describe('maskUrl', () => {
  it.each([
    ['postgresql://concord:s3cret@db:5432/concord', 'postgresql://concord:***@db:5432/concord'],
    ['postgres://u:p%40ss:word@h/db?sslmode=require', 'postgres://u:***@h/db?sslmode=require'],
    ['postgres://only-user@h/db', 'postgres://only-user@h/db'],
    ['postgres://h:5432/db', 'postgres://h:5432/db'],
    ['mysql://root:toor@h', 'mysql://root:***@h'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});

describe('secrets never reach messages', () => {
  it('masks the password of a DATABASE_URL that is not a PostgreSQL URL', () => {
    const error = thrownBy(() =>
      loadProject(tempProject({ 'config/ui.json': '{}' }), { DATABASE_URL: 'mysql://root:hunter2@db/x' }),
    );
    expect(error.message).toContain(
      'environment: /DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://root:***@db/x"',
    );
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify((error as unknown as { detail: unknown }).detail)).not.toContain('hunter2');
  });

  it('masks a substituted password inside repo.json', () => {
    const dir = tempProject({
      'config/repo.json': '{"postgres": {"url": "pgsql://app:&{db.password}@h/db"}}',
    });
    const error = thrownBy(() => loadProject(dir, { DB_PASSWORD: 'hunter2' }));
    expect(error.message).toContain(
      'config/repo.json: /postgres/url: expected a postgres:// or postgresql:// URL, got "pgsql://app:***@h/db"',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('does not echo an internal user password, salt or hash that fails validation', () => {
    const dir = tempProject({
      'config/authentication.json': JSON.stringify({
        internalUsers: [
          {
            userName: 'a',
            password: { $hash: { algorithm: 'scrypt', salt: 42, hash: 'hunter2-hash', extra: 1 } },
            roles: [],
          },
          { userName: 'b', password: 'hunter2-password', roles: 'admin' },
        ],
      }),
    });
    const output = validateProjectCommand(dir, {}).output;
    expect(output).toContain(
      '/internalUsers/0/password/$hash/salt: expected a base64 salt, got a number (value hidden)',
    );
    expect(output).toContain(
      '/internalUsers/0/password/$hash/extra: expected no key other than the documented ones',
    );
    expect(output).toContain('/internalUsers/1/roles: expected an array');
    expect(output).not.toContain('hunter2');
    // As a value of its own: the project's temporary folder name may hold the digits (concord-config-XmP42W).
    expect(output).not.toMatch(/\b42\b/);
  });

  it('describes a PostgreSQL repository without its password', () => {
    const project = loadProject(tempProject({ 'config/ui.json': '{}' }), {
      DATABASE_URL: 'postgres://app:hunter2@h/db',
    });
    expect(describeRepo(project.repo)).toBe('PostgreSQL postgres://app:***@h/db (schema public, pool 10)');
    expect(
      validateProjectCommand(project.projectDir, { DATABASE_URL: 'postgres://app:hunter2@h/db' }).output,
    ).not.toContain('hunter2');
  });

  it('does not print the admin password or the encryption key in the validation report', () => {
    const env = { OPENIDM_ADMIN_PASSWORD: 'hunter2-admin', CONCORD_ENCRYPTION_KEY: 'hunter2-key' };
    const result = validateProjectCommand(tempProject({ 'config/ui.json': '{}' }), env);
    expect(result.ok).toBe(true);
    expect(result.output).not.toContain('hunter2');
  });
});
