import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { send } from './load';

/** The repository root: the nearest folder with package.json, from the sources (tests) or from dist/ (benchmarks). */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
export const ADMIN_HEADERS = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };

export interface ConcordProcess {
  readonly port: number;
  readonly projectDir: string;
  readonly child: ChildProcess;
  /** Peak resident set size of the server process so far, in MiB (VmHWM from /proc). */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A temporary project directory holding a copy of `configDir` (default: the repository's own config/). */
export function tempProject(configDir = path.join(REPO_ROOT, 'config')): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  cpSync(configDir, path.join(dir, 'config'), { recursive: true });
  return dir;
}

/**
 * The Node flags of `bin/concord.js`'s first line (`#!/usr/bin/env -S node <flags>`), which `npm start` and the quick
 * start run with: benchmarks measure Concord as it is run, and BENCH_NODE_FLAGS adds to them (`--cpu-prof`, …).
 */
export const CONCORD_NODE_FLAGS: readonly string[] = (() => {
  const shebang = readFileSync(path.join(REPO_ROOT, 'bin', 'concord.js'), 'utf8').split('\n', 1)[0] ?? '';
  const words = shebang.split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter(Boolean);
})();

/**
 * Starts `concord -p DIR` as a separate process (the benchmark client must not share its event loop); `root`
 * is the checkout whose build runs (another one's, to compare two trees: bench/sync-ab.bench.ts).
 */
export async function startConcord(
  projectDir: string,
  env: Record<string, string> = {},
  root: string = REPO_ROOT,
  flags: readonly string[] = [],
): Promise<ConcordProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...CONCORD_NODE_FLAGS,
      ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ...flags,
      path.join(root, 'bin', 'concord.js'),
      '-p',
      projectDir,
    ],
    {
      env: {
        ...process.env,
        OPENIDM_PORT_HTTP: String(port),
        OPENIDM_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Concord exited with code ${child.exitCode}`);
    try {
      const ping = await send({ port, headers: {} }, { method: 'GET', path: '/openidm/info/ping' });
      if (ping.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('Concord did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    projectDir,
    child,
    peakRssMiB: () => peakRssMiB(child.pid),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
