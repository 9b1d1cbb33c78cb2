import { join } from 'node:path';
import { loadProject } from '../../../src/config/project.loader';
import { validateProjectCommand } from '../../../src/config/project-validate.command';
import { FIXTURES, removeTempProjects, tempProject } from './temp-project.factory';

const REPOSITORY_ROOT = join(__dirname, '../../..');

afterAll(removeTempProjects);

describe('validateProjectCommand', () => {
  it('lists the files checked, the settings and says the configuration is valid', () => {
    const result = validateProjectCommand(join(FIXTURES, 'valid-project'), {});
    expect(result.ok).toBe(true);
    expect(result.output).toContain('ok      config/managed.json (managed)');
    expect(result.output).toContain('ok      config/authentication.json (authentication)');
    expect(result.output).toContain('ok      config/repo.json (repo)');
    expect(result.output).toContain('ok      config/audit.json (audit)');
    expect(result.output).toContain('unused  config/ui.json');
    expect(result.output).toContain('HTTP: 0.0.0.0:18080');
    expect(result.output).toContain(
      `Repository: embedded PGlite in ${join(FIXTURES, 'valid-project', 'var/db')}`,
    );
    expect(result.output).toContain('Managed object types: user, device-type_2');
    expect(result.output).toMatch(/Configuration is valid\.\n$/);
    expect(result.output).not.toContain('WARNING');
  });

  it('lists every problem and marks the invalid files', () => {
    const result = validateProjectCommand(join(FIXTURES, 'wrong-type'), {});
    expect(result.ok).toBe(false);
    expect(result.output).toContain('INVALID config/managed.json (managed)');
    expect(result.output).toContain('INVALID config/authentication.json (authentication)');
    expect(result.output).toContain('Configuration is invalid (9 problems):');
    expect(result.output).toContain(
      '  config/managed.json: /objects/0/schema/properties/userName/type: expected a type name',
    );
  });

  it('reports a missing project directory', () => {
    const result = validateProjectCommand('/nonexistent/concord-project', {});
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Configuration is invalid (1 problem):');
    expect(result.output).toContain('/nonexistent/concord-project: expected an existing project directory');
  });

  it('warns when openidm-admin keeps its default password', () => {
    const result = validateProjectCommand(tempProject({ 'config/ui.json': '{}' }), {});
    expect(result.ok).toBe(true);
    expect(result.output).toContain(
      'WARNING: openidm-admin still has the default password; set OPENIDM_ADMIN_PASSWORD.',
    );
  });
});

describe("the repository's own config folder (concord -p /work/main)", () => {
  it('validates', () => {
    const result = validateProjectCommand(REPOSITORY_ROOT, {});
    expect(result.output).toContain('ok      config/managed.json (managed)');
    expect(result.output).toContain('ok      config/authentication.json (authentication)');
    expect(result.ok).toBe(true);
  });

  it('declares user and role like OpenIDM, with a unique userName and the default admin', () => {
    const project = loadProject(REPOSITORY_ROOT, {});
    expect(project.managed.objects.map((o) => o.name)).toEqual(['user', 'role']);
    const user = project.managed.objects[0]?.schema;
    expect(user?.required).toEqual(['userName', 'givenName', 'sn', 'mail']);
    expect(user?.properties?.userName).toMatchObject({ unique: true, searchable: true, required: true });
    expect(user?.properties?.password).toMatchObject({ scope: 'private' });
    expect(project.authentication.internalUsers).toEqual([
      {
        userName: 'openidm-admin',
        password: 'openidm-admin',
        roles: ['openidm-admin', 'openidm-authorized'],
      },
    ]);
    expect(project.authentication.adminPasswordIsDefault).toBe(true);
    expect(project.boot.httpPort).toBe(8080);
    expect(project.repo).toEqual({ kind: 'embedded', dataDir: join(REPOSITORY_ROOT, 'data/db') });
  });

  it('takes the admin password from OPENIDM_ADMIN_PASSWORD', () => {
    const project = loadProject(REPOSITORY_ROOT, { OPENIDM_ADMIN_PASSWORD: 'changed' });
    expect(project.authentication.internalUsers[0]?.password).toBe('changed');
    expect(project.authentication.adminPasswordIsDefault).toBe(false);
  });
});
