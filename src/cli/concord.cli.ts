import path from 'node:path';
import { runHashPassword } from '../auth/hash-password.command';
import { DomainError } from '../core/errors/domain-error';
import { validateProjectCommand } from '../config/project-validate.command';
import { parseCliArguments, unexpectedArgument, USAGE } from './cli-arguments';
import { startServer } from '../main';

/** Where Concord is installed: the default project directory, as OpenIDM's startup.sh defaults to its own. */
const INSTALL_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The `concord` command; returns the process exit code (the server keeps the process alive itself). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const args = parseCliArguments(argv, INSTALL_ROOT, process.cwd());
  const unexpected = unexpectedArgument(args);
  if (unexpected !== undefined) {
    process.stderr.write(`concord: ${unexpected}\n\n${USAGE}\n`);
    return 2;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'config:validate': {
      const { ok, output } = validateProjectCommand(args.projectDir, process.env);
      (ok ? process.stdout : process.stderr).write(`${output}\n`);
      return ok ? 0 : 1;
    }
    case 'hash-password':
      return runHashPassword(args.rest, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    case 'start':
      try {
        await startServer(args.projectDir, process.env);
        return undefined;
      } catch (error) {
        // Config and repository problems are the operator's to fix: say what is wrong, without a stack trace.
        if (error instanceof DomainError) {
          process.stderr.write(`Concord did not start: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
  }
}
