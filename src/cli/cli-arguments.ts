import path from 'node:path';

export type CliCommand = 'start' | 'config:validate' | 'hash-password' | 'help';

export interface CliArguments {
  readonly command: CliCommand;
  /** The project directory (`-p DIR`, OpenIDM's startup.sh flag); defaults to the Concord installation root. */
  readonly projectDir: string;
  readonly rest: readonly string[];
}

const COMMANDS: readonly CliCommand[] = ['start', 'config:validate', 'hash-password', 'help'];

/** Parses `concord [command] [-p DIR] [args...]`; the command defaults to `start`. */
export function parseCliArguments(argv: readonly string[], installRoot: string, cwd: string): CliArguments {
  let command: CliCommand = 'start';
  let projectDir = installRoot;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-p' || arg === '--project') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a directory`);
      projectDir = path.resolve(cwd, value);
    } else if (arg.startsWith('--project=')) {
      projectDir = path.resolve(cwd, arg.slice('--project='.length));
    } else if (arg === '-h' || arg === '--help') {
      command = 'help';
    } else if (i === 0 && (COMMANDS as readonly string[]).includes(arg)) {
      command = arg as CliCommand;
    } else {
      rest.push(arg);
    }
  }
  return { command, projectDir, rest };
}

/**
 * What `start` and `config:validate` were given and do not take (`concord validate`, a project directory without
 * `-p`): an error, rather than a server started on the installation directory instead.
 */
export function unexpectedArgument(args: CliArguments): string | undefined {
  if (args.command !== 'start' && args.command !== 'config:validate') return undefined;
  const [first] = args.rest;
  if (first === undefined) return undefined;
  return first.startsWith('-') ? `unknown option '${first}'` : `unknown command or argument '${first}'`;
}

export const USAGE = `Usage: concord [command] [-p PROJECT_DIR]

Commands:
  start              run the server for the project directory (default)
  config:validate    check every config file of the project without starting (exit code 0 or 1)
  hash-password      print a scrypt hash for authentication.json (reads the password from stdin or argument)
  help               this text

PROJECT_DIR holds config/ (or conf/, as an OpenIDM project); it defaults to the Concord installation directory.`;
