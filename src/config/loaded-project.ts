import type { AuthenticationConfig } from './authentication-config.schema';
import type { BootConfig } from './boot-config.resolver';
import type { ManagedConfig } from './managed-config.schema';
import type { RepoConfig } from './repo-config.schema';

/** A registered config file that was read and validated. */
export interface CheckedFile {
  /** Name inside the config folder, e.g. `managed.json`. */
  readonly fileName: string;
  /** Key of its validated content in `LoadedProject.files`. */
  readonly key: string;
}

/** Everything Concord takes from a project directory, validated and typed. No raw JSON reaches the engine. */
export interface LoadedProject {
  readonly projectDir: string;
  /** `<project>/config`, or OpenIDM's `<project>/conf`. */
  readonly configDir: string;
  readonly boot: BootConfig;
  readonly repo: RepoConfig;
  /** managed.json, or the built-in `user` and `role` when the project has none. */
  readonly managed: ManagedConfig;
  readonly authentication: AuthenticationConfig;
  /** Validated registered files by key (see config-file.registry.ts; read with `configFile`/`configFiles`). */
  readonly files: Record<string, unknown>;
  readonly checkedFiles: readonly CheckedFile[];
  /** JSON files Concord does not use (audit.json, ui.json, ...), by file name, unsubstituted. */
  readonly otherFiles: Record<string, unknown>;
  /** Things worth telling the operator at start-up that are not errors. */
  readonly notices: readonly string[];
}
