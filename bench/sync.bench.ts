/**
 * npm run bench:sync — implicit sync, durable delivery and live sync through the sample's mappings
 * (samples/sync-with-ldap-bidirectional/config/sync.json), Concord in its own process (bench/support/concord-process.ts)
 * on PostgreSQL (a fresh schema) and a private slapd. BENCH_SYNC_USERS managed users (default 1,000) are created
 * over REST first; implicit sync provisions their LDAP entries (managedUser_systemLdapAccounts, ABSENT → CREATE).
 *
 * (a) PUT-to-LDAP latency: BENCH_SYNC_RATE updates/s (200) for BENCH_SYNC_SECONDS (60) from 16 clients, each a
 *     PUT of a managed user with a new description, timed from the PUT until an LDAP read of the entry shows it.
 *     Against it, in the same run and at the same pace: a raw LDAP modify of the same attribute plus the same
 *     read, over 16 connections of its own; and the same pair after a commit of one row to PostgreSQL (16
 *     connections of their own), the durable floor. The directory flushes every commit to its disk, as Debian's
 *     slapd does out of the box and a production directory must: a raw modify then costs what it costs a user,
 *     as a change Concord acknowledges is on PostgreSQL's disk. BENCH_SLAPD_NOSYNC=1 runs the whole benchmark on
 *     a directory that never waits for its disk (`dbnosync`, as the tests run it, and as every run of this
 *     benchmark before 2026-12-04 21:42 did). Concord first runs BENCH_SYNC_WARMUP seconds
 *     (10) at the same pace, reported on a line of its own. Each side's slowest 1% is then placed in time
 *     (bench/support/tail-report.ts): how many windows of 100 ms it fell in; with BENCH_SYNC_GAPS=1, Concord also
 *     logs its event loop's gaps over 15 ms (bench/support/event-loop-gaps.ts, preloaded) and the report says how
 *     many slow PUTs one overlapped. The CPU each process spent per PUT follows, and how long per PUT Concord's main
 *     thread was ready to run but waited for a core, from /proc (bench/support/thread-sched.ts).
 * (c) Outage drain: BENCH_SYNC_EDITS (10,000) managed-user edits over REST while slapd is stopped (all must be
 *     answered 2xx), then the time from slapd's restart until the implicit-sync queue is empty, and a check that
 *     every entry holds its user's last edit.
 * (b) Live-sync latency: a second Concord process with the live-sync poller on (1 s interval); from an LDAP
 *     modify of a user's mail to the new mail being readable at GET /openidm/managed/user/<id>
 *     (BENCH_SYNC_LIVE_SAMPLES changes, 30).
 * (s) One PUT at a time: BENCH_SYNC_SERIAL (3,000) PUT → readable-in-LDAP pairs back to back from one client, against
 *     as many raw modify + read pairs over one connection. Not in the default steps: it shows the length of a
 *     PUT's own chain of round trips, without the queueing of (a).
 * BENCH_SYNC_STEPS picks measurements (default `acb`; `s` on request).
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ROOT_DN, ROOT_PASSWORD, startSlapd, type SlapdInstance } from '../test/support/slapd';
import {
  ADMIN_HEADERS,
  REPO_ROOT,
  startConcord,
  tempProject,
  type ConcordProcess,
} from './support/concord-process';
import { formatLoad, runLoad, send, type HttpTarget } from './support/load';
import { commandCpuSeconds, cpuSeconds } from './support/recon-bench.support';
import {
  backToBack,
  formatLatencies,
  LdapPool,
  load,
  paced,
  PEOPLE,
  type Latencies,
} from './support/sync-bench.support';
import { readGaps, tailReport } from './support/tail-report';
import { formatSchedulingPer, mainThreadScheduling } from './support/thread-sched';

const USERS = Number(process.env.BENCH_SYNC_USERS ?? 1_000);
const RATE = Number(process.env.BENCH_SYNC_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SYNC_SECONDS ?? 60);
const EDITS = Number(process.env.BENCH_SYNC_EDITS ?? 10_000);
/**
 * (a) first runs this long at the same rate, reported apart: a fresh Concord process spends its first seconds
 * compiling its hot paths (CPU per PUT falls by about a third), and at 200/s on two cores the queue built
 * meanwhile takes seconds to drain. The measured run is the steady state; the warm-up line shows the rest.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_SYNC_WARMUP ?? 10);
const LIVE_SAMPLES = Number(process.env.BENCH_SYNC_LIVE_SAMPLES ?? 30);
const SERIAL = Number(process.env.BENCH_SYNC_SERIAL ?? 3_000);
/** Which measurements to run, in this order: s, a, c, then b (BENCH_SYNC_STEPS, default a, c and b). */
const STEPS = process.env.BENCH_SYNC_STEPS ?? 'acb';
const DURABLE_DIRECTORY = process.env.BENCH_SLAPD_NOSYNC !== '1';
const CLIENTS = 16;
/** Where Concord's event-loop gaps go when BENCH_SYNC_GAPS=1 (bench/support/event-loop-gaps.ts). */
const GAPS_FILE =
  process.env.BENCH_SYNC_GAPS === '1' ? join(tmpdir(), `concord-bench-gaps-${process.pid}.log`) : undefined;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SAMPLE_CONFIG = join(REPO_ROOT, 'samples/sync-with-ldap-bidirectional/config');

const uid = (i: number): string => `bench${i % USERS}`;
const user = (i: number, description: string) => ({
  userName: uid(i),
  givenName: `Bench${i % USERS}`,
  sn: 'Sync',
  mail: `${uid(i)}@example.com`,
  description,
});

function put(target: HttpTarget, i: number, description: string) {
  return send(target, { method: 'PUT', path: `/openidm/managed/user/${uid(i)}`, body: user(i, description) });
}

async function startNode(
  projectDir: string,
  slapd: SlapdInstance,
  env: Record<string, string> = {},
): Promise<ConcordProcess> {
  const gaps: Record<string, string> = GAPS_FILE === undefined ? {} : { CONCORD_BENCH_GAPS_FILE: GAPS_FILE };
  const preload =
    GAPS_FILE === undefined ? [] : ['--require', join(__dirname, 'support', 'event-loop-gaps.js')];
  return startConcord(
    projectDir,
    {
      OPENIDM_LDAP_HOST: slapd.host,
      OPENIDM_LDAP_PORT: String(slapd.port),
      LOG_LEVEL: 'error',
      ...gaps,
      ...env,
    },
    undefined,
    preload,
  );
}

async function createUsers(target: HttpTarget): Promise<void> {
  const created = await runLoad(target, USERS, CLIENTS, (i) => ({
    method: 'PUT',
    path: `/openidm/managed/user/${uid(i)}`,
    body: user(i, 'created'),
    ok: [201],
  }));
  console.log(formatLoad(`setup: ${USERS} users created (→ LDAP by implicit sync)`, created));
  if (created.failures > 0) throw new Error('set-up failed');
}

/** (a): the raw floor first, then Concord, at the same pace; both end with the same LDAP read. */
async function putToLdapLatency(
  target: HttpTarget,
  ldap: LdapPool,
  concordPid: number | undefined,
  schema: string,
): Promise<void> {
  console.log(`(a) ${RATE}/s for ${SECONDS} s, ${CLIENTS} clients; load average ${load()}`);
  const raw = await paced(RATE, SECONDS, CLIENTS, async (i, client) => {
    const value = `raw ${i}`;
    await ldap.replace(client, uid(i), 'description', value);
    await ldap.waitFor(client, uid(i), 'description', value);
  });
  console.log(formatLatencies('    raw LDAP modify + read', raw));
  console.log(`      ${tailReport(raw.timeline, undefined)}`);
  const durable = await durableFloor(ldap, schema);
  const putThenRead = (label: string) => async (i: number, client: number) => {
    const value = `${label} ${i}`;
    const reply = await put(target, i, value);
    if (reply.status !== 200) throw new Error(`PUT answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    await ldap.waitFor(client, uid(i), 'description', value);
  };
  if (WARMUP_SECONDS > 0) {
    const warmup = await paced(RATE, WARMUP_SECONDS, CLIENTS, putThenRead('warm'));
    console.log(formatLatencies('    warm-up (not counted below)', warmup));
  }
  const cpuBefore = {
    concord: cpuSeconds(concordPid),
    postgres: commandCpuSeconds('postgres'),
    slapd: commandCpuSeconds('slapd'),
  };
  const scheduledBefore = mainThreadScheduling(concordPid);
  const concord = await paced(RATE, SECONDS, CLIENTS, putThenRead('put'));
  const scheduledAfter = mainThreadScheduling(concordPid);
  console.log(formatLatencies('    PUT managed/user → readable in LDAP', concord));
  console.log(
    `      ${tailReport(concord.timeline, GAPS_FILE === undefined ? undefined : readGaps(GAPS_FILE))}`,
  );
  // CPU per PUT moves far less than latencies between runs on this shared machine: compare changes by it.
  const perPut = (seconds: number) => ((seconds * 1000) / concord.count).toFixed(2);
  console.log(
    `    CPU per PUT: Concord ${perPut(cpuSeconds(concordPid) - cpuBefore.concord)} ms, ` +
      `PostgreSQL ${perPut(commandCpuSeconds('postgres') - cpuBefore.postgres)} ms, ` +
      `slapd ${perPut(commandCpuSeconds('slapd') - cpuBefore.slapd)} ms (the benchmark's reads included)`,
  );
  // Where a slow PUT's time goes on a machine shared with PostgreSQL, slapd and the benchmark: Concord's event
  // loop ready to run and not running (docs/benchmarks.md, "where a PUT's time goes").
  console.log(
    `    Concord's main thread per PUT: ${formatSchedulingPer(scheduledBefore, scheduledAfter, concord.count)}`,
  );
  console.log(
    `    p50 ${(concord.p50 / raw.p50).toFixed(2)}×, p99 ${(concord.p99 / raw.p99).toFixed(2)}× the raw modify ` +
      `(aim p99 ≤ 3×); p50 ${(concord.p50 / durable.p50).toFixed(2)}×, p99 ` +
      `${(concord.p99 / durable.p99).toFixed(2)}× the durable floor; load average ${load()}`,
  );
}

/** The raw pair after a PostgreSQL commit of one row, at the same pace: what a change that must survive costs. */
async function durableFloor(ldap: LdapPool, schema: string): Promise<Latencies> {
  const table = `"${schema}".bench_durable_floor`;
  const connections = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      return client;
    }),
  );
  try {
    await connections[0]?.query(`CREATE TABLE ${table} (id int, value text)`);
    const floor = await paced(RATE, SECONDS, CLIENTS, async (i, client) => {
      const value = `durable ${i}`;
      await connections[client]?.query(`INSERT INTO ${table} (id, value) VALUES ($1, $2)`, [i, value]);
      await ldap.replace(client, uid(i), 'description', value);
      await ldap.waitFor(client, uid(i), 'description', value);
    });
    console.log(formatLatencies('    PostgreSQL commit + raw LDAP modify + read', floor));
    console.log(`      ${tailReport(floor.timeline, undefined)}`);
    return floor;
  } finally {
    await connections[0]?.query(`DROP TABLE IF EXISTS ${table}`);
    await Promise.all(connections.map((client) => client.end()));
  }
}

/** (s): the raw pair, then Concord's, one at a time over one connection each. */
async function serialLatency(
  target: HttpTarget,
  ldap: LdapPool,
  concordPid: number | undefined,
): Promise<void> {
  console.log(`(s) ${SERIAL} one at a time; load average ${load()}`);
  const raw = await backToBack(SERIAL, async (i) => {
    await ldap.replace(0, uid(i), 'description', `serial raw ${i}`);
    await ldap.waitFor(0, uid(i), 'description', `serial raw ${i}`);
  });
  console.log(formatLatencies('    raw LDAP modify + read', raw));
  const cpuBefore = cpuSeconds(concordPid);
  const concord = await backToBack(SERIAL, async (i) => {
    const reply = await put(target, i, `serial ${i}`);
    if (reply.status !== 200) throw new Error(`PUT answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    await ldap.waitFor(0, uid(i), 'description', `serial ${i}`);
  });
  console.log(formatLatencies('    PUT managed/user → readable in LDAP', concord));
  const perPut = (((cpuSeconds(concordPid) - cpuBefore) * 1000) / concord.count).toFixed(2);
  console.log(
    `    Concord CPU per PUT ${perPut} ms; p50 ${(concord.p50 / raw.p50).toFixed(2)}× the raw pair`,
  );
}

async function queued(db: Client, schema: string): Promise<number> {
  const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".sync_queue`);
  return Number(rows.rows[0]?.n);
}

/** (c): edits while slapd is stopped, then the drain, then every entry checked. */
async function outageDrain(
  target: HttpTarget,
  slapd: SlapdInstance,
  db: Client,
  schema: string,
): Promise<void> {
  console.log(`(c) ${EDITS} edits of ${USERS} users with slapd stopped; load average ${load()}`);
  await slapd.stop();
  const edits = await runLoad(target, EDITS, CLIENTS, (n) => ({
    method: 'PUT',
    path: `/openidm/managed/user/${uid(n)}`,
    body: user(n, `edit ${n}`),
    ok: [200],
  }));
  console.log(formatLoad('    edits answered while slapd is down', edits));
  const rows = await queued(db, schema);
  await slapd.restart();
  const restarted = performance.now();
  const deadline = restarted + 15 * 60_000;
  while ((await queued(db, schema)) > 0) {
    if (performance.now() > deadline) throw new Error('The queue did not drain within 15 minutes');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const drained = (performance.now() - restarted) / 1000;
  // Each user's last edit is the one with the highest n among its edits.
  const wrong: string[] = [];
  const reconnected = await LdapPool.open(slapd.url, 1, ROOT_DN, ROOT_PASSWORD);
  for (let i = 0; i < Math.min(USERS, EDITS); i++) {
    const last = i + USERS * Math.floor((EDITS - 1 - i) / USERS);
    if ((await reconnected.read(0, uid(i), 'description')) !== `edit ${last}`) wrong.push(uid(i));
  }
  await reconnected.close();
  console.log(
    `    ${rows} rows queued (one per user); drained ${drained.toFixed(2)} s after slapd restarted; ` +
      `${wrong.length} entries without their last edit${wrong.length > 0 ? ` (first: ${wrong[0]})` : ''}; ` +
      `load average ${load()}`,
  );
}

/** (b): LDAP modify → live sync (1 s poll) → managed/user readable over REST. */
async function liveSyncLatency(target: HttpTarget, slapd: SlapdInstance): Promise<void> {
  // The poller's first pass only records the latest token (§5.2): a change made before it would be skipped.
  const token = '/openidm/repo/synchronisation/pooledSyncStage/SYSTEMLDAPACCOUNT';
  const deadline = performance.now() + 60_000;
  while ((await send(target, { method: 'GET', path: token })).status !== 200) {
    if (performance.now() > deadline) throw new Error('the live-sync poller recorded no token within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ldap = await LdapPool.open(slapd.url, 1, ROOT_DN, ROOT_PASSWORD);
  const latencies: number[] = [];
  const path = `/openidm/managed/user/${uid(0)}?_fields=mail`;
  // Sample -1 is a warm-up (the first change through the new process's engine).
  for (let i = -1; i < LIVE_SAMPLES; i++) {
    const mail = `live${i}-${randomBytes(3).toString('hex')}@example.com`;
    await ldap.replace(0, uid(0), 'mail', mail);
    const modified = performance.now();
    for (;;) {
      const reply = await send(target, { method: 'GET', path });
      if (reply.status === 200 && (JSON.parse(reply.body) as { mail?: string }).mail === mail) break;
      if (performance.now() - modified > 30_000) throw new Error(`live sync did not bring ${mail} back`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (i >= 0) latencies.push(performance.now() - modified);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
  }
  await ldap.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  console.log(
    `(b) live sync, LDAP modify → managed/user readable, 1 s poll, ${LIVE_SAMPLES} changes: ` +
      `p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms (aim p99 ≤ 1.5 s); load average ${load()}`,
  );
}

async function main(): Promise<void> {
  const slapd = await startSlapd({
    ldif: `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: People\n`,
    durable: DURABLE_DIRECTORY,
  });
  const schema = `bench_sync_${randomBytes(4).toString('hex')}`;
  const projectDir = tempProject(SAMPLE_CONFIG);
  writeFileSync(
    join(projectDir, 'config', 'repo.json'),
    JSON.stringify({ postgres: { url: DATABASE_URL, schema } }),
  );
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  let node: ConcordProcess | undefined;
  try {
    const directory = DURABLE_DIRECTORY ? 'flushing every commit' : 'never flushing (dbnosync)';
    console.log(
      `bench:sync, ${USERS} users, sample mappings, directory ${directory}; load average ${load()}`,
    );
    node = await startNode(projectDir, slapd);
    const target = { port: node.port, headers: ADMIN_HEADERS };
    await createUsers(target);
    const ldap = await LdapPool.open(slapd.url, CLIENTS, ROOT_DN, ROOT_PASSWORD);
    if (STEPS.includes('s')) await serialLatency(target, ldap, node.child.pid);
    if (STEPS.includes('a')) await putToLdapLatency(target, ldap, node.child.pid, schema);
    if (STEPS.includes('c')) await outageDrain(target, slapd, db, schema);
    await ldap.close();
    if (STEPS.includes('b')) {
      await node.stop();
      node = await startNode(projectDir, slapd, { CONCORD_LIVESYNC_SOURCES: 'system/ldap/account' });
      await liveSyncLatency({ port: node.port, headers: ADMIN_HEADERS }, slapd);
    }
  } finally {
    if (GAPS_FILE !== undefined) rmSync(GAPS_FILE, { force: true });
    await node?.stop();
    await slapd.destroy();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
