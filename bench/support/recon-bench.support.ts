/**
 * Pieces of `npm run bench:recon`: fresh databases, the PostgreSQL COPY floor into tables shaped like
 * Concord's own, a recon over REST with its summary, and the temp project pointing at the bench slapd.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SlapdInstance } from '../../test/support/slapd';
import { ADMIN_HEADERS, REPO_ROOT, tempProject, type ConcordProcess } from './concord-process';
import { person, seconds } from './ldap-bench.support';
import { send } from './load';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SAMPLE_DIR = join(REPO_ROOT, 'samples/sync-with-ldap-bidirectional/config');
export const LDAP_TO_MANAGED = 'systemLdapAccounts_managedUser';
export const MANAGED_TO_LDAP = 'managedUser_systemLdapAccounts';

/** Drops and creates database `name`; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name`, unless BENCH_KEEP_DB=1 asks to keep it for a look afterwards. */
export async function dropDatabase(name: string): Promise<void> {
  if (process.env['BENCH_KEEP_DB'] === '1') return;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function count(url: string, sql: string): Promise<number> {
  return withClient(url, async (client) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0));
}

/**
 * The recon, then the wait until the durable queue holds no change: what the recon's writes left for implicit sync
 * (each delivered through the reverse mapping by Concord's worker) is part of its work, so its time and CPU count.
 * `queued` is how many changes were waiting when the recon answered.
 */
export async function reconAndImplicitSync(
  server: ConcordProcess,
  databaseUrl: string,
  mapping: string,
): Promise<ReconFigures & { readonly queued: number }> {
  const figures = await recon(server, mapping);
  const started = process.hrtime.bigint();
  const queued = await count(databaseUrl, 'SELECT count(*) AS n FROM sync_queue');
  for (let waiting = queued; waiting > 0;) {
    if (seconds(started) > 600) throw new Error(`${waiting} changes still queued 600 s after the recon`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    waiting = await count(databaseUrl, 'SELECT count(*) AS n FROM sync_queue');
  }
  return { ...figures, secs: figures.secs + (queued > 0 ? seconds(started) : 0), queued };
}

/** The managed user recon makes of bench person i (the sample mapping's properties, plus the default). */
export function mappedUser(prefix: string, i: number): Record<string, string> {
  const p = person(prefix, i);
  return {
    displayName: p.cn,
    description: p.description,
    givenName: p.givenName,
    mail: p.mail,
    telephoneNumber: p.telephoneNumber,
    sn: p.sn,
    userName: p.uid,
    accountStatus: 'active',
  };
}

const copyText = (value: unknown): string => JSON.stringify(value).replace(/\\/g, '\\\\');

/** COPY of `n` rows into `table` (tab-separated lines from `line(i)`). */
async function copyRows(
  client: Client,
  table: string,
  n: number,
  line: (i: number) => string,
): Promise<void> {
  const rows = Readable.from(
    (function* () {
      for (let i = 0; i < n; i++) yield line(i);
    })(),
  );
  await pipeline(rows, client.query(copyFrom(`COPY ${table} FROM STDIN`)));
}

/**
 * The write floor: `COPY` of `n` managed users and `n` links into tables with the same columns and indexes
 * as Concord's (`LIKE … INCLUDING ALL`, so the unique userName index too), made and dropped here. Seconds.
 */
export async function copyFloor(url: string, n: number): Promise<{ managed: number; links: number }> {
  return withClient(url, async (client) => {
    await client.query('CREATE TABLE floor_managed (LIKE managed_objects INCLUDING ALL)');
    await client.query('CREATE TABLE floor_links (LIKE links INCLUDING ALL)');
    try {
      let started = process.hrtime.bigint();
      await copyRows(
        client,
        'floor_managed (object_type, id, rev, doc)',
        n,
        (i) => `user\t${randomUUID()}\t1\t${copyText(mappedUser('user', i))}\n`,
      );
      const managed = seconds(started);
      started = process.hrtime.bigint();
      await copyRows(
        client,
        'floor_links (id, rev, link_type, link_qualifier, first_id, second_id)',
        n,
        () => `${randomUUID()}\t0\t${LDAP_TO_MANAGED}\tdefault\t${randomUUID()}\t${randomUUID()}\n`,
      );
      return { managed, links: seconds(started) };
    } finally {
      await client.query('DROP TABLE floor_managed');
      await client.query('DROP TABLE floor_links');
    }
  });
}

/** Inserts `n` managed users straight into managed_objects (no implicit sync, no recon): (e)'s source. */
export async function copyManagedUsers(url: string, prefix: string, n: number): Promise<void> {
  await withClient(url, (client) =>
    copyRows(
      client,
      'managed_objects (object_type, id, rev, doc)',
      n,
      (i) => `user\t${randomUUID()}\t1\t${copyText(mappedUser(prefix, i))}\n`,
    ),
  );
}

/** A temp copy of the sample project with its provisioner bound to the bench slapd, 1,000 entries per page. */
export function benchProject(
  slapd: SlapdInstance,
  configFiles: Readonly<Record<string, unknown>> = {},
): string {
  const dir = tempProject(SAMPLE_DIR);
  for (const [name, content] of Object.entries(configFiles)) {
    writeFileSync(join(dir, 'config', name), JSON.stringify(content));
  }
  const file = join(dir, 'config', 'provisioner.openicf-ldap.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { configurationProperties: Record<string, unknown> };
  Object.assign(raw.configurationProperties, {
    host: slapd.host,
    port: slapd.port,
    principal: slapd.serviceDn,
    credentials: slapd.servicePassword,
    blockSize: 1000,
  });
  writeFileSync(file, JSON.stringify(raw));
  return dir;
}

export interface ReconFigures {
  readonly secs: number;
  readonly summary: {
    state: string;
    situationSummary: Record<string, number>;
    statusSummary: Record<string, number>;
    progress: Record<string, unknown>;
    durationSummary?: Record<string, { count: number; sum: number }>;
  };
}

/** `POST /openidm/recon?_action=recon&waitForCompletion=true`, timed; the stored summary for the counts. */
export async function recon(
  server: ConcordProcess,
  mapping: string,
  extra = '',
  body: unknown = {},
): Promise<ReconFigures> {
  const target = { port: server.port, headers: ADMIN_HEADERS };
  const started = process.hrtime.bigint();
  const reply = await send(target, {
    method: 'POST',
    path: `/openidm/recon?_action=recon&mapping=${mapping}&waitForCompletion=true${extra}`,
    body,
  });
  const secs = seconds(started);
  if (reply.status !== 200) throw new Error(`recon answered ${reply.status}: ${reply.body}`);
  const id = (JSON.parse(reply.body) as { _id: string })._id;
  const got = await send(target, { method: 'GET', path: `/openidm/recon/${id}` });
  return { secs, summary: JSON.parse(got.body) as ReconFigures['summary'] };
}

/** Situations and statuses in one line, zeros left out. */
export function describeSummary(figures: ReconFigures): string {
  const nonZero = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const { summary } = figures;
  return `${summary.state}; ${nonZero(summary.situationSummary)}; ${nonZero(summary.statusSummary)}`;
}

/**
 * CPU seconds (user + system) the process has used so far, from /proc (clock ticks of 1/100 s). The machine is
 * shared: wall times vary with the load, the CPU a recon costs much less.
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by every process named `command` (all of PostgreSQL's backends: `postgres`). */
export function commandCpuSeconds(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export function perSecond(n: number, secs: number): string {
  return `${secs.toFixed(2)} s, ${(n / secs).toFixed(0)} objects/s`;
}
