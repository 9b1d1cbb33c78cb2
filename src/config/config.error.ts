import { DomainError } from '../core/errors/domain-error';

/**
 * One thing wrong with the configuration. `file` is the file as the user knows it (relative to the project,
 * e.g. `config/managed.json`) or the source of a value (`environment`); `path` is a JSON Pointer into that file
 * (`/objects/0/schema/properties/userName/type`) or, for environment and boot.properties, `/<variable name>`.
 * `message` reads "expected <what>, got <what>" and never contains a secret.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly path?: string;
  readonly message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return problem.path === undefined
    ? `${problem.file}: ${problem.message}`
    : `${problem.file}: ${problem.path}: ${problem.message}`;
}

/** Start-up failure listing every problem found, not just the first, so one edit-and-retry fixes them all. */
export class ConfigError extends DomainError {
  constructor(
    readonly projectDir: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super('CONFIG_INVALID', ConfigError.describe(projectDir, problems), {
      projectDir,
      problems: problems.map((p) => ({ ...p })),
    });
    this.name = 'ConfigError';
  }

  private static describe(projectDir: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    return [
      `Invalid configuration in ${projectDir} (${count}):`,
      ...problems.map((p) => '  ' + formatProblem(p)),
    ].join('\n');
  }
}
