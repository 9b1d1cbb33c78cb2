/** The LDAP dev server's state file (`data/ldap/server.json`) and process checks. */
import { existsSync, readFileSync } from 'node:fs';

export interface ServerState {
  /** The launcher process, which owns slapd and stops it on SIGTERM. */
  readonly pid: number;
  readonly url: string;
  readonly port: number;
}

export function readState(file: string): ServerState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerState>;
    return typeof state.pid === 'number' && typeof state.url === 'string' && typeof state.port === 'number'
      ? (state as ServerState)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that the process exists without touching it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `check` every 100 ms until it returns a value or `ms` pass (then undefined). */
export async function waitFor<T>(ms: number, check: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
