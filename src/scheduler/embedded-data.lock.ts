import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../core/errors/domain-error';

const LOCK_FILE = 'concord.pid';

/**
 * The embedded database is single-node: PGlite keeps the database in this process's memory and writes it
 * back to the data directory, so a second process on the same directory would overwrite the first one's
 * data. A pid file says who has it open; a second start is refused with the reason. A pid file left by a
 * process that no longer runs (killed) is taken over.
 */
export class EmbeddedDataLock {
  private held = false;

  constructor(private readonly dataDir: string) {}

  acquire(): void {
    const file = join(this.dataDir, LOCK_FILE);
    const owner = readOwner(file);
    if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
      throw new DomainError(
        'CONFIG_INVALID',
        `The embedded database in ${this.dataDir} is already open in process ${owner}: the embedded database is single-node. ` +
          'Stop that process, or run several nodes on PostgreSQL (set DATABASE_URL on every node, each with its own CONCORD_NODE_ID).',
        { dataDir: this.dataDir, pid: owner },
      );
    }
    writeFileSync(file, `${process.pid}\n`);
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    const file = join(this.dataDir, LOCK_FILE);
    if (readOwner(file) === process.pid) rmSync(file, { force: true });
    this.held = false;
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
