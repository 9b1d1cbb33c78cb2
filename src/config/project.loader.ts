import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { substituteProperties } from '../core/config/property-substitution';
import {
  DEFAULT_INTERNAL_USERS_TEMPLATE,
  settleAuthentication,
  type InternalUser,
} from './authentication-config.schema';
import { resolveBoot } from './boot-config.resolver';
import { ConfigError, type ConfigProblem } from './config.error';
import {
  CONFIG_FILES,
  authenticationConfigFile,
  configFile,
  entryKey,
  entryMatches,
  managedConfigFile,
  repoConfigFile,
  type ConfigFileEntry,
} from './config-file.registry';
import { parseJsonSource } from './json-source.parser';
import type { CheckedFile, LoadedProject } from './loaded-project';
import { DEFAULT_MANAGED_CONFIG } from './managed-config.default';
import { unrunManagedScripts } from './managed-config.schema';
import { createPropertySource, type PropertySource } from './property.source';
import { resolveRepo } from './repo-config.resolver';
import { issuesToProblems } from './zod-issue.formatter';

/** How one JSON file of the config folder fared. `file` is relative to the project (`config/managed.json`). */
export interface FileReport {
  readonly file: string;
  readonly status: 'valid' | 'invalid' | 'not used';
  readonly key?: string;
}

/** The outcome of reading a project, whether or not it is valid: what `config:validate` prints. */
export interface ProjectInspection {
  readonly projectDir: string;
  readonly configDir?: string;
  readonly project?: LoadedProject;
  readonly files: readonly FileReport[];
  readonly problems: readonly ConfigProblem[];
  readonly notices: readonly string[];
}

/**
 * Loads a project directory like OpenIDM's `startup.sh -p DIR`. Synchronous on purpose: it runs once, before
 * anything else starts, and a start-up that cannot read its config has nothing else to do meanwhile.
 * Throws ConfigError (code CONFIG_INVALID) listing every problem found.
 * `extraFiles` are consulted before the built-in CONFIG_FILES.
 */
export function loadProject(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  extraFiles: readonly ConfigFileEntry[] = [],
): LoadedProject {
  const inspection = inspectProject(projectDir, env, extraFiles);
  if (!inspection.project) throw new ConfigError(inspection.projectDir, inspection.problems);
  return inspection.project;
}

/** Reads and validates everything, collecting problems instead of throwing. */
export function inspectProject(
  projectDirArg: string,
  env: NodeJS.ProcessEnv,
  extraFiles: readonly ConfigFileEntry[] = [],
): ProjectInspection {
  const projectDir = resolve(projectDirArg);
  if (!isDirectory(projectDir)) {
    const problem = {
      file: projectDir,
      message: 'expected an existing project directory, got no directory at this path',
    };
    return { projectDir, files: [], problems: [problem], notices: [] };
  }
  const notices: string[] = [];
  const configDir = findConfigDir(projectDir, notices);
  if (configDir === undefined) {
    const message = "expected a config/ folder (or OpenIDM's conf/) inside the project, found neither";
    return { projectDir, files: [], problems: [{ file: projectDir, message }], notices };
  }

  const properties = createPropertySource(projectDir, env);
  for (const bootFile of properties.bootFiles) notices.push(`${bootFile}: read for &{...} properties`);
  const read = readConfigFolder(projectDir, configDir, properties, [...extraFiles, ...CONFIG_FILES]);
  notices.push(...read.notices);
  const problems = [...read.problems];
  const loaded = { files: read.files, checkedFiles: read.checkedFiles };

  const managedFile = configFile(loaded, managedConfigFile);
  const managedReport = read.reports.find((report) => report.key === managedConfigFile.key);
  if (managedReport === undefined)
    notices.push('no managed.json: using the built-in "user" and "role" object types');
  else if (managedFile !== undefined) notices.push(...unrunManagedScripts(managedReport.file, managedFile));
  const authentication = settleAuthentication(
    configFile(loaded, authenticationConfigFile),
    defaultInternalUsers(properties, problems),
  );
  const repoFileName = read.checkedFiles.find((f) => entryMatches(repoConfigFile, f.fileName))?.fileName;
  const repoFile = configFile(loaded, repoConfigFile);
  const repo = resolveRepo(
    projectDir,
    repoFileName && repoFile
      ? { name: relative(projectDir, join(configDir, repoFileName)), value: repoFile }
      : undefined,
    env,
  );
  problems.push(...repo.problems);
  const boot = resolveBoot(properties, env);
  problems.push(...boot.problems);

  if (problems.length > 0 || !repo.repo || !boot.boot) {
    return { projectDir, configDir, files: read.reports, problems, notices };
  }
  const project: LoadedProject = {
    projectDir,
    configDir,
    boot: boot.boot,
    repo: repo.repo,
    managed: managedFile ?? DEFAULT_MANAGED_CONFIG,
    authentication,
    files: read.files,
    checkedFiles: read.checkedFiles,
    otherFiles: read.otherFiles,
    notices,
  };
  return { projectDir, configDir, project, files: read.reports, problems, notices };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function findConfigDir(projectDir: string, notices: string[]): string | undefined {
  const config = join(projectDir, 'config');
  const conf = join(projectDir, 'conf');
  if (isDirectory(config)) {
    if (isDirectory(conf)) notices.push('conf/: ignored because config/ exists');
    return config;
  }
  return isDirectory(conf) ? conf : undefined;
}

function defaultInternalUsers(properties: PropertySource, problems: ConfigProblem[]): InternalUser[] {
  const where = 'built-in internal users';
  const result = substituteProperties(DEFAULT_INTERNAL_USERS_TEMPLATE, properties.lookup, where);
  problems.push(...result.problems.map((p) => ({ file: p.where, path: p.path, message: p.message })));
  return result.value as InternalUser[];
}

interface FolderContent {
  files: Record<string, unknown>;
  checkedFiles: CheckedFile[];
  otherFiles: Record<string, unknown>;
  reports: FileReport[];
  problems: ConfigProblem[];
  notices: string[];
}

function readConfigFolder(
  projectDir: string,
  configDir: string,
  properties: PropertySource,
  entries: readonly ConfigFileEntry[],
): FolderContent {
  const content: FolderContent = {
    files: {},
    checkedFiles: [],
    otherFiles: {},
    reports: [],
    problems: [],
    notices: [],
  };
  const keyOwners = new Map<string, string>();
  const names = readdirSync(configDir)
    .filter((name) => name.endsWith('.json') && statSync(join(configDir, name)).isFile())
    .sort();
  for (const fileName of names) {
    const file = relative(projectDir, join(configDir, fileName));
    const parsed = parseJsonSource(readFileSync(join(configDir, fileName), 'utf8'));
    const entry = entries.find((candidate) => entryMatches(candidate, fileName));
    if (entry === undefined) {
      // OpenIDM projects carry many files Concord has no use for; they must not stop the start.
      if (parsed.ok) content.otherFiles[fileName] = parsed.value;
      const invalid = parsed.ok
        ? ''
        : ` (and not valid JSON at line ${parsed.line}, column ${parsed.column})`;
      content.notices.push(`${file}: not used by Concord${invalid}`);
      content.reports.push({ file, status: 'not used' });
      continue;
    }
    const key = entryKey(entry, fileName);
    const validation = validateFile(file, parsed, entry, properties);
    const owner = keyOwners.get(key);
    if (owner !== undefined) {
      validation.problems.push({
        file,
        message: `expected one file for config "${key}", got this one and ${owner}`,
      });
    }
    content.problems.push(...validation.problems);
    content.reports.push({ file, key, status: validation.problems.length > 0 ? 'invalid' : 'valid' });
    keyOwners.set(key, owner ?? file);
    if (validation.problems.length === 0) {
      content.files[key] = validation.value;
      content.checkedFiles.push({ fileName, key });
    }
  }
  return content;
}

interface Validation {
  value?: unknown;
  problems: ConfigProblem[];
}

function validateFile(
  file: string,
  parsed: ReturnType<typeof parseJsonSource>,
  entry: ConfigFileEntry,
  properties: PropertySource,
): Validation {
  const problems: ConfigProblem[] = [];
  const validation: Validation = { problems };
  if (!parsed.ok) {
    problems.push({
      file,
      message: `invalid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}`,
    });
    return validation;
  }
  const substituted = substituteProperties(parsed.value, properties.lookup, file);
  const unresolvedPaths = new Set(substituted.problems.map((p) => p.path));
  problems.push(...substituted.problems.map((p) => ({ file, path: p.path, message: p.message })));
  const result = entry.schema.safeParse(substituted.value);
  if (result.success) {
    validation.value = result.data;
  } else {
    // A value still holding an unresolved `&{...}` already has its problem; do not report it twice.
    const schemaProblems = issuesToProblems(result.error.issues, substituted.value, file);
    problems.push(...schemaProblems.filter((p) => p.path === undefined || !unresolvedPaths.has(p.path)));
  }
  return validation;
}
