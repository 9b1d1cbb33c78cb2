import { Logger } from '@nestjs/common';
import { createConcordApp, type ConcordApp } from './app.factory';
import { describeRepo } from './config/repo-config.resolver';
import { loadProject } from './config/project.loader';

/** Loads the project directory, opens the repository and serves HTTP until SIGTERM/SIGINT. */
export async function startServer(projectDir: string, env: NodeJS.ProcessEnv): Promise<ConcordApp> {
  const project = loadProject(projectDir, env);
  const concord = await createConcordApp(project);
  const logger = new Logger('Concord');
  for (const notice of project.notices) logger.log(notice);
  if (project.authentication.adminPasswordIsDefault) {
    logger.warn(
      'openidm-admin still has the default password; set OPENIDM_ADMIN_PASSWORD (or openidm.admin.password in boot.properties)',
    );
  }
  if (concord.keyChoice.origin === 'generated') {
    logger.warn(
      `Generated a new encryption key in ${concord.keyChoice.file}; back it up or set CONCORD_ENCRYPTION_KEY`,
    );
  }
  try {
    await concord.app.listen(project.boot.httpPort, project.boot.host);
  } catch (error) {
    // Start-up hooks (the embedded-database lock, schedules) run inside listen(): release what is open.
    await concord.close().catch(() => undefined);
    throw error;
  }
  logger.log(
    `Concord ready on http://${project.boot.host}:${project.boot.httpPort}/openidm for project ${project.projectDir}; ` +
      `repository: ${describeRepo(project.repo)}`,
  );
  return concord;
}
