/**
 * Fire-time accuracy of the scheduler: one persisted schedule firing every second (`* * * * * ?`, a script
 * that does nothing) for ~30 s on one and on two real Concord nodes sharing a fresh PostgreSQL database.
 * Delay = when the run started minus its planned instant (both from `schedule_fires`, the database clock for
 * the start); also counts missed and doubled instants. `npm run bench:schedule`; BENCH_SECONDS overrides 30.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { startConcord, tempProject, type ConcordProcess } from './support/concord-process';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);

interface Figures {
  readonly nodes: number;
  readonly planned: number;
  readonly ran: number;
  readonly missed: number;
  readonly doubled: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly share: string;
}

async function measure(nodeCount: number): Promise<Figures> {
  const name = `concord_bench_sched_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const projectDir = tempProject();
  writeFileSync(
    path.join(projectDir, 'config', 'schedule-tick.json'),
    JSON.stringify({
      persisted: true,
      schedule: '* * * * * ?',
      invokeService: 'script',
      invokeContext: { script: { type: 'text/javascript', source: 'null' } },
    }),
  );
  const nodes: ConcordProcess[] = [];
  const client = new Client({ connectionString: url.toString() });
  try {
    for (let i = 1; i <= nodeCount; i++) {
      nodes.push(
        await startConcord(projectDir, { DATABASE_URL: url.toString(), CONCORD_NODE_ID: `bench-${i}` }),
      );
    }
    const from = Math.ceil(Date.now() / 1000) * 1000 + 2000;
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000 + 4000));
    const to = from + (SECONDS - 1) * 1000;
    await client.connect();
    const { rows } = await client.query<{ fire_ms: number; node_id: string; delay_ms: number }>(
      `SELECT round(extract(epoch FROM fire_at) * 1000)::float8 AS fire_ms, node_id,
              (extract(epoch FROM started_at - fire_at) * 1000)::float8 AS delay_ms
       FROM schedule_fires WHERE job_id = 'tick'
         AND fire_at BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0)`,
      [from, to],
    );
    const perInstant = new Map<number, number>();
    for (const row of rows) perInstant.set(row.fire_ms, (perInstant.get(row.fire_ms) ?? 0) + 1);
    const delays = rows.map((row) => row.delay_ms).sort((a, b) => a - b);
    const perNode = new Map<string, number>();
    for (const row of rows) perNode.set(row.node_id, (perNode.get(row.node_id) ?? 0) + 1);
    return {
      nodes: nodeCount,
      planned: SECONDS,
      ran: perInstant.size,
      missed: SECONDS - perInstant.size,
      doubled: [...perInstant.values()].filter((n) => n > 1).length,
      p50: percentile(delays, 0.5),
      p99: percentile(delays, 0.99),
      max: delays[delays.length - 1] ?? NaN,
      share: [...perNode.entries()].map(([node, n]) => `${node}:${n}`).join(' '),
    };
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(projectDir, { recursive: true, force: true });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  console.log(`Scheduler fire-time accuracy: a persisted per-second schedule for ${SECONDS} s\n`);
  const results = [await measure(1), await measure(2)];
  console.log('nodes  planned  ran  missed  doubled  p50 delay  p99 delay  max delay  fires per node');
  for (const r of results) {
    console.log(
      `${String(r.nodes).padStart(5)}  ${String(r.planned).padStart(7)}  ${String(r.ran).padStart(3)}  ` +
        `${String(r.missed).padStart(6)}  ${String(r.doubled).padStart(7)}  ${ms(r.p50)}  ${ms(r.p99)}  ${ms(r.max)}  ${r.share}`,
    );
  }
  const [one, two] = results as [Figures, Figures];
  console.log(`\np99 delay, two nodes / one node: ${(two.p99 / one.p99).toFixed(2)}`);
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`.padStart(9);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
