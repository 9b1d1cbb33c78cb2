import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { propertyEnvName, type PropertyLookup } from '../core/config/property-substitution';
import { parseBootProperties } from './boot-properties.parser';

/**
 * Where `&{name}` values come from, highest priority first:
 *   1. the environment variable derived from the name (`openidm.port.http` → `OPENIDM_PORT_HTTP`),
 *   2. an environment variable spelled exactly like the name (`env 'openidm.port.http=9090' concord ...`),
 *   3. boot.properties: `config/`, then OpenIDM's `conf/`, `conf/boot/` and `resolver/` (the first file that
 *      defines a name wins),
 *   4. the launcher's locations OpenIDM and PingIDM define themselves (LAUNCHER_LOCATIONS), all the project
 *      directory here,
 * and only then the inline default of `&{name|default}`.
 * Empty environment variables count as unset, so `OPENIDM_PORT_HTTP=` in a compose file does not blank a port.
 */
export const BOOT_PROPERTIES_LOCATIONS = [
  'config/boot.properties',
  'conf/boot.properties',
  'conf/boot/boot.properties',
  'resolver/boot.properties',
] as const;

/**
 * Properties OpenIDM's launcher (`launcher.*`) and PingIDM's (`idm.*`) set to their install, project and data
 * directories; shipped configs use them (`"logDirectory": "&{idm.data.dir}/audit"` in audit.json), so a project
 * copied over must not fail on them. Concord has one directory for all three.
 */
const LAUNCHER_LOCATIONS = [
  'idm.install.dir',
  'idm.instance.dir',
  'idm.data.dir',
  'launcher.install.location',
  'launcher.project.location',
  'launcher.working.location',
] as const;

/** Where a value was found, in the same `file` + `path` terms as a ConfigProblem. */
export interface PropertyOrigin {
  readonly file: string;
  readonly path: string;
}

export interface PropertySource {
  readonly lookup: PropertyLookup;
  origin(name: string): PropertyOrigin | undefined;
  /** boot.properties files that were read, relative to the project directory. */
  readonly bootFiles: readonly string[];
}

export function createPropertySource(projectDir: string, env: NodeJS.ProcessEnv): PropertySource {
  const boot = new Map<string, { value: string; file: string }>();
  const bootFiles: string[] = [];
  for (const location of BOOT_PROPERTIES_LOCATIONS) {
    const file = join(projectDir, location);
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    bootFiles.push(location);
    for (const [name, value] of parseBootProperties(readFileSync(file, 'utf8'))) {
      if (!boot.has(name)) boot.set(name, { value, file: location });
    }
  }

  const launcher = new Map<string, string>(LAUNCHER_LOCATIONS.map((name) => [name, resolve(projectDir)]));

  const origin = (name: string): PropertyOrigin | undefined => {
    const derived = propertyEnvName(name);
    if (nonEmpty(env[derived])) return { file: 'environment', path: '/' + derived };
    if (nonEmpty(env[name])) return { file: 'environment', path: '/' + name };
    const fromBoot = boot.get(name);
    if (fromBoot) return { file: fromBoot.file, path: '/' + name };
    return launcher.has(name) ? { file: 'launcher', path: '/' + name } : undefined;
  };
  const lookup = (name: string): string | undefined => {
    const derived = env[propertyEnvName(name)];
    if (nonEmpty(derived)) return derived;
    const exact = env[name];
    if (nonEmpty(exact)) return exact;
    return boot.get(name)?.value ?? launcher.get(name);
  };
  return { lookup, origin, bootFiles };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
