import { hostname } from 'node:os';
import type { BootConfig } from '../config/boot-config.resolver';
import type { LoadedProject } from '../config/loaded-project';
import { DomainError } from '../core/errors/domain-error';

/** How the scheduler and cluster membership of this node behave; tests shorten the intervals. */
export class SchedulerSettings {
  constructor(
    /** `CONCORD_NODE_ID`, else `<host name>:<HTTP port>`. */
    readonly nodeId: string,
    readonly projectDir: string,
    /** Where file schedules are read and written (`config/` or OpenIDM's `conf/`). */
    readonly configDir: string,
    /** Zone of schedules that name none (Quartz uses the server's). */
    readonly defaultTimeZone: string,
    /** The embedded database's data directory, which only one process may open; undefined on PostgreSQL. */
    readonly embeddedDataDir: string | undefined,
    readonly heartbeatMs = 3_000,
    /** A node silent for longer is `down`; its leases expire and its running fires are marked FAILED. */
    readonly nodeTimeoutMs = 10_000,
    readonly misfireThresholdMs = 60_000,
    /** Fire history older than this is deleted (the latest fire of each job is kept). */
    readonly historyMs = 7 * 24 * 3600_000,
    /**
     * An ACTIVE recon that wrote no progress for longer, on a node that is down, is marked FAILED by the
     * other nodes (`CONCORD_RECON_STALE_AFTER_MS`; by default the node timeout).
     */
    readonly reconStaleAfterMs: number = nodeTimeoutMs,
  ) {}

  static forProject(
    project: Pick<LoadedProject, 'boot' | 'projectDir' | 'configDir' | 'repo'>,
    env: NodeJS.ProcessEnv = process.env,
  ): SchedulerSettings {
    const defaults = new SchedulerSettings('', '', '', '', undefined);
    return new SchedulerSettings(
      nodeIdOf(project.boot),
      project.projectDir,
      project.configDir,
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      project.repo.kind === 'embedded' ? project.repo.dataDir : undefined,
      defaults.heartbeatMs,
      defaults.nodeTimeoutMs,
      defaults.misfireThresholdMs,
      defaults.historyMs,
      positiveMs(env, 'CONCORD_RECON_STALE_AFTER_MS', defaults.nodeTimeoutMs),
    );
  }
}

/** This node's id: `CONCORD_NODE_ID`, else `<host name>:<HTTP port>` (unique per process on one host). */
export function nodeIdOf(boot: Pick<BootConfig, 'nodeId' | 'httpPort'>): string {
  return boot.nodeId ?? `${hostname()}:${boot.httpPort}`;
}

function positiveMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new DomainError(
      'CONFIG_INVALID',
      `${name}: expected a positive number of milliseconds, got "${raw}"`,
    );
  }
  return Number(raw);
}
