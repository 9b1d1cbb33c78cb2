import { hostname } from 'node:os';
import type { LoadedProject } from '../config/loaded-project';

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
  ) {}

  static forProject(
    project: Pick<LoadedProject, 'boot' | 'projectDir' | 'configDir' | 'repo'>,
  ): SchedulerSettings {
    return new SchedulerSettings(
      project.boot.nodeId ?? `${hostname()}:${project.boot.httpPort}`,
      project.projectDir,
      project.configDir,
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      project.repo.kind === 'embedded' ? project.repo.dataDir : undefined,
    );
  }
}
