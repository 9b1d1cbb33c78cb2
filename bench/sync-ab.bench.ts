/**
 * npm run bench:sync-ab -- <other checkout> — the PUT → readable-in-LDAP chain of this tree against another
 * checkout's (built with `npx tsc -p tsconfig.build.json`, e.g. a `git worktree` of an earlier commit), both
 * running at once, each Concord with its own slapd and PostgreSQL schema, one PUT at a time, alternating
 * between the two. On these machines the same tree's latency moves by a third between runs minutes apart;
 * alternating PUT by PUT puts both trees in the same conditions, so their difference shows.
 * BENCH_AB_PUTS (3,000) PUTs each, after 300 each not counted.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ROOT_DN, ROOT_PASSWORD, startSlapd, type SlapdInstance } from '../test/support/slapd';
import {
  ADMIN_HEADERS,
  REPO_ROOT,
  startConcord,
  tempProject,
  type ConcordProcess,
} from './support/concord-process';
import { percentile, send, type HttpTarget } from './support/load';
import { cpuSeconds } from './support/recon-bench.support';
import { LdapPool, PEOPLE } from './support/sync-bench.support';

const PUTS = Number(process.env.BENCH_AB_PUTS ?? 3_000);
const WARMUP = 300;
const USERS = 200;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Side {
  readonly label: string;
  readonly slapd: SlapdInstance;
  readonly schema: string;
  readonly node: ConcordProcess;
  readonly ldap: LdapPool;
  readonly target: HttpTarget;
  readonly latencies: number[];
}

const user = (i: number, description: string) => ({
  userName: `ab${i}`,
  givenName: `Ab${i}`,
  sn: 'Serial',
  mail: `ab${i}@example.com`,
  description,
});

/** Starts `root`'s own build of Concord (its dist/, its bin/concord.js) on the sample project. */
async function startSide(label: string, root: string): Promise<Side> {
  const slapd = await startSlapd({ ldif: `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: People\n` });
  const schema = `bench_ab_${randomBytes(4).toString('hex')}`;
  const projectDir = tempProject(join(root, 'samples/sync-with-ldap-bidirectional/config'));
  writeFileSync(
    join(projectDir, 'config', 'repo.json'),
    JSON.stringify({ postgres: { url: DATABASE_URL, schema } }),
  );
  const env = { OPENIDM_LDAP_HOST: slapd.host, OPENIDM_LDAP_PORT: String(slapd.port), LOG_LEVEL: 'error' };
  const node = await startConcord(projectDir, env, root);
  const ldap = await LdapPool.open(slapd.url, 1, ROOT_DN, ROOT_PASSWORD);
  return {
    label,
    slapd,
    schema,
    node,
    ldap,
    target: { port: node.port, headers: ADMIN_HEADERS },
    latencies: [],
  };
}

async function putThenRead(side: Side, k: number): Promise<number> {
  const began = performance.now();
  const id = `ab${k % USERS}`;
  const reply = await send(side.target, {
    method: 'PUT',
    path: `/openidm/managed/user/${id}`,
    body: user(k % USERS, `p${k}`),
  });
  if (reply.status !== 200 && reply.status !== 201)
    throw new Error(`${side.label}: PUT answered ${reply.status}`);
  await side.ldap.waitFor(0, id, 'description', `p${k}`);
  return performance.now() - began;
}

function report(side: Side, cpuMs: number): { mean: number; p50: number } {
  const sorted = [...side.latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const p50 = percentile(sorted, 0.5);
  console.log(
    `${side.label.padEnd(10)} mean ${mean.toFixed(2)} ms, p50 ${p50.toFixed(2)} ms, p90 ${percentile(sorted, 0.9).toFixed(2)} ms, ` +
      `p99 ${percentile(sorted, 0.99).toFixed(2)} ms; Concord CPU per PUT ${(cpuMs / sorted.length).toFixed(2)} ms`,
  );
  return { mean, p50 };
}

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: npm run bench:sync-ab -- <other checkout, built>');
  const otherRoot = resolve(other);
  // Fails early, with the path in the message, when the other checkout has not been built.
  readFileSync(join(otherRoot, 'bin', 'concord.js'));
  readFileSync(join(otherRoot, 'dist', 'src', 'main.js'));
  const sides: Side[] = [];
  try {
    sides.push(await startSide('this tree', REPO_ROOT));
    sides.push(await startSide('other', otherRoot));
    console.log(`bench:sync-ab, ${PUTS} PUTs each, alternating; other = ${otherRoot}`);
    let cpuAtStart: number[] = [];
    for (let k = 0; k < WARMUP + PUTS; k++) {
      if (k === WARMUP) {
        for (const side of sides) side.latencies.length = 0;
        cpuAtStart = sides.map((side) => cpuSeconds(side.node.child.pid));
      }
      // Each goes first every other time, so neither always runs right after the other's PUT.
      for (const side of k % 2 === 0 ? sides : [...sides].reverse())
        side.latencies.push(await putThenRead(side, k));
    }
    const results = sides.map((side, index) =>
      report(side, (cpuSeconds(side.node.child.pid) - (cpuAtStart[index] ?? 0)) * 1000),
    );
    const [mine, theirs] = results;
    if (mine && theirs) {
      console.log(
        `this tree ÷ other: mean ${(mine.mean / theirs.mean).toFixed(2)}, p50 ${(mine.p50 / theirs.p50).toFixed(2)}`,
      );
    }
  } finally {
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    for (const side of sides) {
      await side.ldap.close();
      await side.node.stop();
      await side.slapd.destroy();
      await db.query(`DROP SCHEMA IF EXISTS "${side.schema}" CASCADE`);
    }
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
