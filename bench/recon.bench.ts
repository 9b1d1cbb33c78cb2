/**
 * npm run bench:recon — BENCH_USERS (default 100,000) generated inetOrgPerson entries loaded with `slapadd -q`
 * into a private slapd (the test harness), Concord on the sample project (its sync.json and provisioner,
 * bound to that slapd) as a separate process against a fresh PostgreSQL database, and in one run:
 *   floor: paged `ldapsearch` of the entries (the median of three after a warm-up run), plus PostgreSQL `COPY`
 *          of as many managed users and links into tables shaped like Concord's;
 *   (a) first recon LDAP → managed: every entry ABSENT → CREATE;
 *   (b) the same recon again: every entry CONFIRMED, zero writes (checked: no row's rev moved); once on a
 *       Concord started for it, then three times more on that server, each after an `ldapsearch` of its own:
 *       the median of those runs is held to the median of those `ldapsearch` runs (a recon repeated on a
 *       running server, as the floor is an ldapsearch repeated on a warm slapd, measured side by side because
 *       the machine's pace drifts by a third and more over a benchmark);
 *   (c) after 1% of the LDAP entries were modified: 1% UPDATE;
 *   (d) a dry run (analyze=true) after another 1% was modified: nothing written;
 *   (e) recon managed → LDAP of BENCH_CREATES (10,000) new managed users against `ldapadd` of the same entries;
 *   (a) and (c) end when the implicit sync their writes left queued has been delivered (reconAndImplicitSync);
 *   and the peak RSS of (b) at BENCH_USERS vs BENCH_RSS_LARGE (300,000) entries;
 *   (a) and (b) again on a fresh database with LEAN_AUDIT as audit.json (step `l`): what an administrator who
 *   keeps the audit to changes and failures gets (the aims are for the default, which audits every entry).
 * Each recon runs in a Concord started for it, so its peak RSS (VmHWM) is that recon's (for (b), its first
 * run's); the CPU seconds that Concord spent on it are printed too (they vary less than wall times on a shared
 * machine).
 * Aims (2 cores): (a) ≤ 2× its floor; (b) ≤ 1.5× the ldapsearch time; RSS at 300k ≤ 1.3× RSS at 100k.
 * BENCH_NODE_FLAGS is added to the flags of bin/concord.js for the Concord process (`--cpu-prof --cpu-prof-dir=…`);
 * BENCH_STEPS picks measurements beyond (a) and (b) (default `cerl`); BENCH_VERBOSE=1 prints each run's
 * slowest `durationSummary` metrics (wall time per step, so concurrent steps overlap); BENCH_KEEP_DB=1 keeps the
 * benchmark's databases for a look afterwards.
 */
import { startSlapd, type SlapdInstance } from '../test/support/slapd';
import { CONCORD_NODE_FLAGS, startConcord } from './support/concord-process';
import {
  ACCOUNT_ATTRIBUTES,
  LDAPADD_BRANCH,
  PEOPLE,
  branchLdif,
  person,
  personLdif,
  runDiscarding,
  seconds,
} from './support/ldap-bench.support';
import {
  LDAP_TO_MANAGED,
  MANAGED_TO_LDAP,
  benchProject,
  copyFloor,
  copyManagedUsers,
  count,
  commandCpuSeconds,
  cpuSeconds,
  describeSummary,
  dropDatabase,
  freshDatabase,
  load,
  perSecond,
  recon,
  reconAndImplicitSync,
  type ReconFigures,
} from './support/recon-bench.support';

/** Audit events whether stored a row each or in a run's packs (migration 0011). */
const AUDIT_EVENT_COUNT = `SELECT (SELECT count(*) FROM audit_events)
  + (SELECT coalesce(sum(cardinality(ids)), 0) FROM audit_event_packs) AS n`;

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const CREATES = Number(process.env.BENCH_CREATES ?? Math.min(10_000, USERS));
const LARGE = Number(process.env.BENCH_RSS_LARGE ?? 3 * USERS);
const PAGE = 1000;
/** Runs of the `ldapsearch` floor, and of (b) again on the server that ran it once: the median is compared. */
const FLOOR_RUNS = 3;
const AGAIN_RUNS = 3;
/** Which measurements to run: a and b always; c (with d), e, r (RSS at scale). */
const STEPS = process.env.BENCH_STEPS ?? 'cerl';

/**
 * OpenIDM's audit filters set to keep what changed and what failed: the recon audit without its UPDATE entries
 * (CONFIRMED, or an update the activity audit records), no activity of the objects a recon creates (its CREATE
 * entry says so), and sync events only when they fail.
 */
const LEAN_AUDIT = {
  eventTopics: {
    activity: { filter: { triggers: { recon: ['update', 'patch', 'delete'] } } },
    recon: { filter: { actions: ['create', 'delete', 'link', 'unlink', 'exception'] } },
    sync: { filter: { fields: [{ name: '/status', values: ['FAILURE'] }] } },
  },
};

/** The median of FLOOR_RUNS paged `ldapsearch` runs (the machine's noise moves one run by a third). */
async function ldapsearchFloor(slapd: SlapdInstance): Promise<{ secs: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) runs.push(await ldapsearchOnce(slapd));
  return { secs: median(runs), runs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function ldapsearchOnce(slapd: SlapdInstance): Promise<number> {
  const started = process.hrtime.bigint();
  await runDiscarding('/usr/bin/ldapsearch', [
    ...['-x', '-LLL', '-H', slapd.url, '-D', slapd.serviceDn, '-w', slapd.servicePassword],
    ...['-b', PEOPLE, '-E', `pr=${PAGE}/noprompt`, '(objectClass=inetOrgPerson)', ...ACCOUNT_ATTRIBUTES],
  ]);
  return seconds(started);
}

async function directory(users: number): Promise<SlapdInstance> {
  const parts = [branchLdif(PEOPLE), branchLdif(LDAPADD_BRANCH)];
  for (let i = 0; i < users; i++) parts.push(personLdif(person('user', i), PEOPLE));
  const started = process.hrtime.bigint();
  const slapd = await startSlapd({ ldif: parts.join('') });
  console.log(`load: slapadd -q of ${users} entries and start: ${seconds(started).toFixed(1)} s`);
  return slapd;
}

/** `ldapmodify` of every 100th entry (1%), starting at `offset`. */
async function modifyOnePercent(slapd: SlapdInstance, offset: number, text: string): Promise<number> {
  let ldif = '';
  let n = 0;
  for (let i = offset; i < USERS; i += 100, n++) {
    ldif += `dn: uid=${person('user', i).uid},${PEOPLE}\nchangetype: modify\nreplace: description\ndescription: ${text}\n\n`;
  }
  await slapd.modify(ldif);
  return n;
}

/** One recon in a Concord of its own; prints objects/s, the ratio to `floorSecs` and the peak RSS. */
async function measured(
  label: string,
  slapd: SlapdInstance,
  databaseUrl: string,
  run: (server: Awaited<ReturnType<typeof startConcord>>) => Promise<ReconFigures>,
  objects: number,
  floor: Floor,
  configFiles: Readonly<Record<string, unknown>> = {},
  again = 0,
): Promise<{ figures: ReconFigures; rss: number }> {
  const server = await startConcord(benchProject(slapd, configFiles), {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
  });
  try {
    const before = {
      concord: cpuSeconds(server.child.pid),
      postgres: commandCpuSeconds('postgres'),
      slapd: commandCpuSeconds('slapd'),
    };
    const figures = await run(server);
    const cpu = cpuSeconds(server.child.pid) - before.concord;
    const others = `PostgreSQL ${(commandCpuSeconds('postgres') - before.postgres).toFixed(2)} s, slapd ${(commandCpuSeconds('slapd') - before.slapd).toFixed(2)} s`;
    const rss = server.peakRssMiB();
    console.log(
      `${label}: ${perSecond(objects, figures.secs)}; peak RSS ${rss.toFixed(0)} MiB; CPU: Concord ${cpu.toFixed(2)} s, ${others}`,
    );
    console.log(`    ${describeSummary(figures)}`);
    if (process.env.BENCH_VERBOSE === '1') {
      const stages = Object.entries(figures.summary.durationSummary ?? {})
        .sort(([, x], [, y]) => y.sum - x.sum)
        .slice(0, 8)
        .map(([name, d]) => `${name} ${(d.sum / 1000).toFixed(2)} s/${d.count}`);
      console.log(`    durationSummary: ${stages.join(', ')}`);
    }
    // With runs again on the same server, the aim is theirs: a recon repeated on a running server, as the
    // floor's ldapsearch is repeated on a warm slapd. This first one pays for cold code and cold pages.
    const aim =
      floor.aim && again === 0 ? ` (aim ${floor.aim})` : again > 0 ? ' (first run of this server)' : '';
    console.log(
      `    ratio to ${floor.name}: ${(figures.secs / floor.secs).toFixed(2)}×${aim}; load ${load()}`,
    );
    if (again > 0) await runAgain(label, server, run, objects, floor, again);
    return { figures, rss };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}; Concord flags: ${[...CONCORD_NODE_FLAGS, process.env.BENCH_NODE_FLAGS ?? ''].join(' ').trim()}`,
  );
  console.log(`bench:recon — ${USERS} LDAP users, ${CREATES} managed → LDAP creates; load ${load()}`);
  const slapd = await directory(USERS);
  const db = 'concord_bench_recon';
  const databaseUrl = await freshDatabase(db);
  try {
    // Start once so that the schema (tables and managed.json's indexes) exists for the COPY floor.
    const first = await startConcord(benchProject(slapd), { DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' });
    await first.stop();
    await ldapsearchOnce(slapd); // warm-up: slapd's entry cache
    const searched = await ldapsearchFloor(slapd);
    const search = searched.secs;
    const copy = await copyFloor(databaseUrl, USERS);
    const floor = search + copy.managed + copy.links;
    const searches = searched.runs.map((secs) => secs.toFixed(2)).join(', ');
    console.log(
      `\nfloor: ldapsearch -E pr=${PAGE}/noprompt, median of ${FLOOR_RUNS}: ${perSecond(USERS, search)} (${searches} s)`,
    );
    console.log(
      `       COPY ${USERS} managed users ${copy.managed.toFixed(2)} s + ${USERS} links ${copy.links.toFixed(2)} s`,
    );
    console.log(`       sum ${floor.toFixed(2)} s; load ${load()}\n`);

    const recon1 = (server: Parameters<typeof recon>[0]) => recon(server, LDAP_TO_MANAGED);
    const withSync = queuedAfter(databaseUrl);
    await measured(
      '(a) first recon LDAP → managed, ABSENT → CREATE',
      slapd,
      databaseUrl,
      withSync.run,
      USERS,
      {
        secs: floor,
        name: 'floor (ldapsearch + COPY)',
        aim: '≤ 2×',
      },
    );
    withSync.report();
    const b = await measured(
      '(b) same recon again, CONFIRMED',
      slapd,
      databaseUrl,
      recon1,
      USERS,
      { secs: search, name: 'ldapsearch', aim: '≤ 1.5×', again: () => ldapsearchOnce(slapd) },
      {},
      AGAIN_RUNS,
    );
    const moved = await count(databaseUrl, 'SELECT count(*) AS n FROM managed_objects WHERE rev <> 1');
    console.log(`    rows whose rev changed after (b): ${moved} (expected 0)`);
    const auditRows = await count(databaseUrl, AUDIT_EVENT_COUNT);
    const auditBytes = await count(
      databaseUrl,
      `SELECT pg_total_relation_size('audit_events') + pg_total_relation_size('audit_event_commons')
         + pg_total_relation_size('audit_event_packs') AS n`,
    );
    console.log(
      `    audit after (a) and (b): ${auditRows} events, ${(auditBytes / 2 ** 20).toFixed(0)} MiB on disk`,
    );

    if (STEPS.includes('c')) await changed(slapd, databaseUrl, search);
    // Before (e), which adds entries of its own to the directory.
    if (STEPS.includes('l')) await leanAudit(slapd, floor, search);
    if (STEPS.includes('e')) await reverse(slapd);
    if (STEPS.includes('r')) await rssAtScale(b.rss);
  } finally {
    await dropDatabase(db);
    await slapd.destroy();
  }
}

/** What a recon is held to: seconds, the floor's name, the aim; `again` measures the floor once more. */
interface Floor {
  readonly secs: number;
  readonly name: string;
  readonly aim?: string;
  readonly again?: () => Promise<number>;
}

/** `again` more runs on the server that ran the first: their median against the floor, and CPU per run. */
async function runAgain(
  label: string,
  server: Awaited<ReturnType<typeof startConcord>>,
  run: (server: Awaited<ReturnType<typeof startConcord>>) => Promise<ReconFigures>,
  objects: number,
  floor: Floor,
  again: number,
): Promise<void> {
  const cpuNow = (): number[] => [
    cpuSeconds(server.child.pid),
    commandCpuSeconds('postgres'),
    commandCpuSeconds('slapd'),
  ];
  const spent = [0, 0, 0];
  const runs: ReconFigures[] = [];
  const floors: number[] = [];
  for (let i = 0; i < again; i++) {
    // The floor again beside each run: the machine's pace drifts over a benchmark by a third and more.
    if (floor.again) floors.push(await floor.again());
    const before = cpuNow();
    runs.push(await run(server));
    cpuNow().forEach((secs, k) => (spent[k] = (spent[k] as number) + secs - (before[k] as number)));
  }
  const [concord, postgres, slapd] = spent.map((secs) => (secs / again).toFixed(2));
  const cpu = `Concord ${concord} s, PostgreSQL ${postgres} s, slapd ${slapd} s`;
  const secs = median(runs.map((figures) => figures.secs));
  const each = runs.map((figures) => figures.secs.toFixed(2)).join(', ');
  console.log(
    `${label}, ${again} times more on the same server: median ${perSecond(objects, secs)} (${each} s); CPU per run: ${cpu}`,
  );
  for (const figures of runs) console.log(`    ${describeSummary(figures)}`);
  const beside = floors.length > 0 ? median(floors) : floor.secs;
  if (floors.length > 0) {
    const each = floors.map((secs) => secs.toFixed(2)).join(', ');
    console.log(`    ${floor.name} before each of them: median ${beside.toFixed(2)} s (${each} s)`);
  }
  console.log(
    `    ratio to ${floor.name}: ${(secs / beside).toFixed(2)}×${floor.aim ? ` (aim ${floor.aim})` : ''}; load ${load()}`,
  );
}

/**
 * A recon LDAP → managed that waits for the implicit sync of its writes (reconAndImplicitSync), and the line
 * that says how many changes it waited for.
 */
function queuedAfter(databaseUrl: string): {
  run: (server: Parameters<typeof recon>[0]) => Promise<ReconFigures>;
  report: () => void;
} {
  let queued = 0;
  return {
    run: async (server) => {
      const figures = await reconAndImplicitSync(server, databaseUrl, LDAP_TO_MANAGED);
      queued = figures.queued;
      return figures;
    },
    report: () =>
      console.log(
        `    changes queued for implicit sync when the recon ended: ${queued} (their delivery is counted)`,
      ),
  };
}

/** (c) and (d): 1% of the entries changed, then a real recon, then a dry run after another 1%. */
async function changed(slapd: SlapdInstance, databaseUrl: string, search: number): Promise<void> {
  {
    const modified = await modifyOnePercent(slapd, 0, 'Changed by bench:recon (c)');
    const withSync = queuedAfter(databaseUrl);
    await measured(
      `(c) after ${modified} LDAP entries were modified`,
      slapd,
      databaseUrl,
      withSync.run,
      USERS,
      {
        secs: search,
        name: 'ldapsearch',
      },
    );
    withSync.report();
    const updated = await count(databaseUrl, 'SELECT count(*) AS n FROM managed_objects WHERE rev = 2');
    console.log(`    rows updated by (c): ${updated} (expected ${modified})`);

    await modifyOnePercent(slapd, 50, 'Changed by bench:recon (d)');
    const revsBefore = await count(databaseUrl, 'SELECT sum(rev) AS n FROM managed_objects');
    const dry = (server: Parameters<typeof recon>[0]) => recon(server, LDAP_TO_MANAGED, '&analyze=true');
    await measured('(d) dry run (analyze=true)', slapd, databaseUrl, dry, USERS, {
      secs: search,
      name: 'ldapsearch',
    });
    const revsAfter = await count(databaseUrl, 'SELECT sum(rev) AS n FROM managed_objects');
    console.log(`    revisions added by the dry run: ${revsAfter - revsBefore} (expected 0)`);
  }
}

/** (e): new managed users (inserted straight into a fresh database) created in LDAP, against ldapadd. */
async function reverse(slapd: SlapdInstance): Promise<void> {
  const db = 'concord_bench_recon_e';
  const url = await freshDatabase(db);
  try {
    const first = await startConcord(benchProject(slapd), { DATABASE_URL: url, LOG_LEVEL: 'error' });
    await first.stop();
    await copyManagedUsers(url, 'new', CREATES);
    let ldif = '';
    for (let i = 0; i < CREATES; i++) ldif += personLdif(person('add', i), LDAPADD_BRANCH);
    const started = process.hrtime.bigint();
    await runDiscarding(
      '/usr/bin/ldapadd',
      ['-x', '-H', slapd.url, '-D', slapd.serviceDn, '-w', slapd.servicePassword],
      ldif,
    );
    const add = seconds(started);
    console.log(`\nfloor: ldapadd of ${CREATES} entries ${perSecond(CREATES, add)}`);
    // Without the target phase: it would only walk the directory's other, unrelated entries (UNASSIGNED).
    const run = (server: Parameters<typeof recon>[0]) =>
      recon(server, MANAGED_TO_LDAP, '', { runTargetPhase: false });
    await measured(`(e) recon managed → LDAP, ${CREATES} ABSENT → CREATE`, slapd, url, run, CREATES, {
      secs: add,
      name: 'ldapadd',
      aim: '≈ 1×',
    });
  } finally {
    await dropDatabase(db);
  }
}

/** (a) and (b) once more on a fresh database, with LEAN_AUDIT as the project's audit.json. */
async function leanAudit(slapd: SlapdInstance, floor: number, search: number): Promise<void> {
  const db = 'concord_bench_recon_lean';
  const url = await freshDatabase(db);
  try {
    console.log(`\nwith audit.json ${JSON.stringify(LEAN_AUDIT)}`);
    const recon1 = (server: Parameters<typeof recon>[0]) => recon(server, LDAP_TO_MANAGED);
    const name = 'floor (ldapsearch + COPY)';
    await measured(
      '(a) lean audit',
      slapd,
      url,
      recon1,
      USERS,
      { secs: floor, name },
      { 'audit.json': LEAN_AUDIT },
    );
    await measured(
      '(b) lean audit',
      slapd,
      url,
      recon1,
      USERS,
      { secs: search, name: 'ldapsearch', again: () => ldapsearchOnce(slapd) },
      { 'audit.json': LEAN_AUDIT },
      AGAIN_RUNS,
    );
    const events = await count(url, AUDIT_EVENT_COUNT);
    console.log(`    audit events after both: ${events}`);
  } finally {
    await dropDatabase(db);
  }
}

/** Peak RSS of (b) with LARGE entries, against the figure at USERS. */
async function rssAtScale(rssSmall: number): Promise<void> {
  if (LARGE <= USERS) return;
  console.log(`\nRSS at scale: ${LARGE} entries`);
  const slapd = await directory(LARGE);
  const db = 'concord_bench_recon_large';
  const url = await freshDatabase(db);
  try {
    const recon1 = (server: Parameters<typeof recon>[0]) => recon(server, LDAP_TO_MANAGED);
    const search = (await ldapsearchFloor(slapd)).secs;
    await measured(`(a) at ${LARGE}`, slapd, url, recon1, LARGE, { secs: search, name: 'ldapsearch' });
    const big = await measured(`(b) at ${LARGE}`, slapd, url, recon1, LARGE, {
      secs: search,
      name: 'ldapsearch',
    });
    console.log(
      `peak RSS of (b): ${rssSmall.toFixed(0)} MiB at ${USERS}, ${big.rss.toFixed(0)} MiB at ${LARGE}: ` +
        `${(big.rss / rssSmall).toFixed(2)}× (aim ≤ 1.3×)`,
    );
  } finally {
    await dropDatabase(db);
    await slapd.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
