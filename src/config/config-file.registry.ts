import type { z } from 'zod';
import { authenticationConfigSchema } from './authentication-config.schema';
import type { LoadedProject } from './loaded-project';
import { managedConfigSchema } from './managed-config.schema';
import { repoConfigSchema } from './repo-config.schema';
import { PROVISIONER_FILE_NAME, provisionerFileSchema } from '../connectors/ldap/provisioner.schema';
import { syncConfigFile } from '../core/sync/sync-config.compiler';
import { scheduleConfigFile } from '../core/schedule/schedule-config.schema';
import { auditConfigFile } from '../audit/audit-config.file';

/**
 * The config files Concord understands. Every `*.json` file in the config folder that an entry matches is
 * parsed, property-substituted and validated with the entry's schema; the result is stored in
 * `LoadedProject.files[key]`. Files no entry matches are kept raw in `otherFiles` and reported as not used.
 *
 * To teach Concord a new file, define its entry with `defineConfigFile` and append it to CONFIG_FILES below
 * (or pass it to `loadProject(dir, env, [entry])`). The first entry that matches a file wins.
 */
export interface ConfigFileEntry<S extends z.ZodType = z.ZodType> {
  readonly match: RegExp | ((fileName: string) => boolean);
  readonly schema: S;
  /**
   * Key in `LoadedProject.files`. A function for families of files, named like OpenIDM config ids:
   * `schedule-recon.json` → `schedule/recon`, `provisioner.openicf-ldap.json` → `provisioner.openicf/ldap`.
   */
  readonly key: string | ((fileName: string) => string);
}

/** Identity function that keeps the schema's type, so `configFile(project, entry)` is typed. */
export function defineConfigFile<S extends z.ZodType>(entry: ConfigFileEntry<S>): ConfigFileEntry<S> {
  return entry;
}

export const managedConfigFile = defineConfigFile({
  match: (name) => name === 'managed.json',
  schema: managedConfigSchema,
  key: 'managed',
});

export const authenticationConfigFile = defineConfigFile({
  match: (name) => name === 'authentication.json',
  schema: authenticationConfigSchema,
  key: 'authentication',
});

export const repoConfigFile = defineConfigFile({
  match: (name) => name === 'repo.json',
  schema: repoConfigSchema,
  key: 'repo',
});

/** `provisioner.openicf-<name>.json`: one connector each (OpenIDM's format, §8.2 of the sync facts). */
export const provisionerConfigFile = defineConfigFile({
  match: PROVISIONER_FILE_NAME,
  schema: provisionerFileSchema,
  key: (name) => `provisioner.openicf/${PROVISIONER_FILE_NAME.exec(name)?.[1] ?? name}`,
});

export const CONFIG_FILES: readonly ConfigFileEntry[] = [
  managedConfigFile,
  authenticationConfigFile,
  repoConfigFile,
  provisionerConfigFile,
  syncConfigFile,
  scheduleConfigFile,
  auditConfigFile,
];

export function entryMatches(entry: ConfigFileEntry, fileName: string): boolean {
  return entry.match instanceof RegExp ? entry.match.test(fileName) : entry.match(fileName);
}

export function entryKey(entry: ConfigFileEntry, fileName: string): string {
  return typeof entry.key === 'string' ? entry.key : entry.key(fileName);
}

type ProjectFiles = Pick<LoadedProject, 'files' | 'checkedFiles'>;

/** The validated content of a single-file entry (`managed.json`), or undefined when the project has none. */
export function configFile<S extends z.ZodType>(
  project: ProjectFiles,
  entry: ConfigFileEntry<S>,
): z.output<S> | undefined {
  const checked = project.checkedFiles.find((file) => entryMatches(entry, file.fileName));
  return checked ? (project.files[checked.key] as z.output<S>) : undefined;
}

/** The validated content of every file of a family (`schedule-*.json`), by key. */
export function configFiles<S extends z.ZodType>(
  project: ProjectFiles,
  entry: ConfigFileEntry<S>,
): Map<string, z.output<S>> {
  const found = new Map<string, z.output<S>>();
  for (const file of project.checkedFiles) {
    if (entryMatches(entry, file.fileName)) found.set(file.key, project.files[file.key] as z.output<S>);
  }
  return found;
}
