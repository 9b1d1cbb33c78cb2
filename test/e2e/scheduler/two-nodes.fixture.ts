import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startConcord, type ConcordProcess } from '../../../bench/support/concord-process';

/** bench/support's REPO_ROOT is right for the compiled bench only; these tests run from the sources. */
const REPO_ROOT = join(__dirname, '..', '..', '..');

/** A query straight to the test database, answering the rows. */
export type Query = (text: string, values?: unknown[]) => Promise<unknown[]>;

export const ADMIN_DB_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database for the real processes, dropped by `drop`. */
export async function freshDatabase(): Promise<{
  url: string;
  query: Query;
  drop(): Promise<void>;
}> {
  const name = `concord_nodes_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DB_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async (text, values) => (await client.query(text, values)).rows,
    async drop() {
      await client.end();
      const again = new Client({ connectionString: ADMIN_DB_URL });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** A project whose `schedule-tick.json` fires a cheap persisted script every second. */
export function tickProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concord-nodes-'));
  cpSync(join(REPO_ROOT, 'config'), join(dir, 'config'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'schedule-tick.json'),
    JSON.stringify({
      enabled: true,
      persisted: true,
      concurrentExecution: false,
      schedule: '* * * * * ?',
      invokeService: 'script',
      invokeContext: { script: { type: 'text/javascript', source: "input['scheduled-fire-time']" } },
    }),
  );
  return dir;
}

/** Starts `count` real Concord processes on one database, node ids `node-1`, `node-2`, ... */
export async function startNodes(
  count: number,
  databaseUrl: string,
  projectDir: string,
): Promise<ConcordProcess[]> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'scheduler', 'scheduler.module.js'))) {
    throw new Error('These tests run the compiled Concord: run `npm run build` first');
  }
  const nodes: ConcordProcess[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push(
      await startNodeProcess(projectDir, { DATABASE_URL: databaseUrl, CONCORD_NODE_ID: `node-${i}` }),
    );
  }
  return nodes;
}

/** `bin/concord.js -p DIR` as its own process (the benchmarks' launcher). */
export function startNodeProcess(projectDir: string, env: Record<string, string>): Promise<ConcordProcess> {
  return startConcord(projectDir, env);
}

export interface FireRow {
  fire_ms: number;
  node_id: string;
  state: string;
  delay_ms: number;
}

/** The tick job's fires in [fromMs, toMs], read straight from PostgreSQL. */
export async function tickFires(query: Query, fromMs: number, toMs: number): Promise<FireRow[]> {
  const rows = await query(
    `SELECT round(extract(epoch FROM fire_at) * 1000)::float8 AS fire_ms, node_id, state,
            (extract(epoch FROM started_at - fire_at) * 1000)::float8 AS delay_ms
     FROM schedule_fires WHERE job_id = 'tick' AND fire_at BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0)
     ORDER BY fire_at`,
    [fromMs, toMs],
  );
  return rows as FireRow[];
}

/**
 * Runs `concord -p DIR` until it prints `until` or exits, then stops it; answers everything it printed.
 * (A start that fails after the database was opened prints its reason but may not exit by itself.)
 */
export async function runUntil(
  projectDir: string,
  env: Record<string, string>,
  until: string,
): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'concord.js'), '-p', projectDir], {
    env: { ...process.env, OPENIDM_PORT_HTTP: String(port), OPENIDM_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 60_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(until)) resolve();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
  return output;
}
