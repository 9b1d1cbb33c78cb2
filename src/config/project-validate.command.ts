import { formatProblem } from './config.error';
import { inspectProject } from './project.loader';
import type { ConfigFileEntry } from './config-file.registry';
import { describeRepo } from './repo-config.resolver';

/**
 * `concord config:validate -p DIR`: checks a project without starting anything and returns text for the CLI
 * to print; the CLI exits 0 when `ok`, else 1. Secrets never appear in the output (URLs are masked, password
 * and key values are not echoed).
 */
export function validateProjectCommand(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  extraFiles: readonly ConfigFileEntry[] = [],
): { ok: boolean; output: string } {
  const inspection = inspectProject(projectDir, env, extraFiles);
  const lines = [`Project: ${inspection.projectDir}`];
  if (inspection.configDir !== undefined) lines.push(`Config folder: ${inspection.configDir}`);

  if (inspection.files.length > 0) {
    lines.push('', 'Files checked:');
    for (const report of inspection.files) {
      const mark =
        report.status === 'valid' ? 'ok     ' : report.status === 'invalid' ? 'INVALID' : 'unused ';
      lines.push(`  ${mark} ${report.file}${report.key !== undefined ? ` (${report.key})` : ''}`);
    }
  }
  if (inspection.notices.length > 0) {
    lines.push('', 'Notices:', ...inspection.notices.map((notice) => `  ${notice}`));
  }

  const project = inspection.project;
  if (project) {
    lines.push(
      '',
      'Settings:',
      `  HTTP: ${project.boot.host}:${project.boot.httpPort}`,
      `  Repository: ${describeRepo(project.repo)}`,
      `  Managed object types: ${project.managed.objects.map((o) => o.name).join(', ') || '(none)'}`,
      `  Internal users: ${project.authentication.internalUsers.map((u) => u.userName).join(', ')}`,
    );
    if (project.authentication.adminPasswordIsDefault) {
      lines.push('  WARNING: openidm-admin still has the default password; set OPENIDM_ADMIN_PASSWORD.');
    }
    lines.push('', 'Configuration is valid.');
    return { ok: true, output: lines.join('\n') + '\n' };
  }

  const count = inspection.problems.length === 1 ? '1 problem' : `${inspection.problems.length} problems`;
  lines.push(
    '',
    `Configuration is invalid (${count}):`,
    ...inspection.problems.map((p) => `  ${formatProblem(p)}`),
  );
  return { ok: false, output: lines.join('\n') + '\n' };
}
