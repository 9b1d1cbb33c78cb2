/**
 * npm run bench:managed — creates BENCH_USERS (default 100,000) managed users over HTTP with 16 concurrent
 * clients, then times indexed `eq`, `sw` and a compound filter, against PostgreSQL and the embedded default.
 * The floor is PostgreSQL `COPY` of the same documents into a table of the same shape, measured in this run.
 */
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ADMIN_HEADERS, startConcord, tempProject } from './support/concord-process';
import { formatLoad, runLoad, send, type HttpTarget } from './support/load';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 5_000);
const CLIENTS = 16;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GIVEN_NAMES = ['Barbara', 'John', 'Alice', 'Bob', 'Carol', 'Dave', 'Eve', 'Frank', 'Grace', 'Heidi'];

interface BenchUser {
  userName: string;
  givenName: string;
  sn: string;
  mail: string;
  telephoneNumber: string;
  description: string;
}

function user(i: number): BenchUser {
  return {
    userName: `user${i.toString().padStart(7, '0')}`,
    givenName: GIVEN_NAMES[i % GIVEN_NAMES.length] ?? 'Ann',
    sn: `Surname${i % 1000}`,
    mail: `user${i}@example.com`,
    telephoneNumber: `+1 555 ${i.toString().padStart(7, '0')}`,
    description: 'Created by bench:managed',
  };
}

async function copyFloor(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'CREATE TEMP TABLE floor_objects (object_type text, id text, rev bigint, doc jsonb, PRIMARY KEY (object_type, id))',
    );
    const started = process.hrtime.bigint();
    const rows = Readable.from(
      (function* () {
        for (let i = 0; i < USERS; i++) {
          const doc = JSON.stringify({ ...user(i), accountStatus: 'active' }).replace(/\\/g, '\\\\');
          yield `user\tfloor-${i}\t1\t${doc}\n`;
        }
      })(),
    );
    await pipeline(rows, client.query(copyFrom('COPY floor_objects FROM STDIN')));
    return USERS / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function measure(label: string, env: Record<string, string>, floorPerSecond: number): Promise<void> {
  const server = await startConcord(tempProject(), env);
  const target: HttpTarget = { port: server.port, headers: ADMIN_HEADERS };
  try {
    console.log(`\n== ${label}: ${USERS} users, ${CLIENTS} clients`);
    const creates = await runLoad(target, USERS, CLIENTS, (i) => ({
      method: 'POST',
      path: '/openidm/managed/user?_action=create',
      body: user(i),
    }));
    console.log(formatLoad('create over HTTP', creates));
    console.log(
      `  ratio to PostgreSQL COPY floor (${floorPerSecond.toFixed(0)} rows/s): ${(creates.perSecond / floorPerSecond).toFixed(3)}`,
    );
    const pick = (i: number) => (i * 7919) % USERS;
    const filters: [string, (i: number) => string][] = [
      ['query eq userName (indexed)', (i) => `userName eq "${user(pick(i)).userName}"`],
      ['query sw userName, _pageSize=10', (i) => `userName sw "${user(pick(i)).userName.slice(0, 9)}"`],
      [
        'query givenName eq and sn sw, _pageSize=10',
        (i) => `givenName eq "${user(i).givenName}" and sn sw "Surname${i % 100}"`,
      ],
    ];
    for (const [name, filter] of filters) {
      const result = await runLoad(target, QUERIES, CLIENTS, (i) => ({
        method: 'GET',
        path: `/openidm/managed/user?_pageSize=10&_queryFilter=${encodeURIComponent(filter(i))}`,
      }));
      console.log(formatLoad(name, result));
    }
    const sample = await send(target, {
      method: 'GET',
      path: `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName eq "user0000042"')}&_fields=userName`,
    });
    console.log(`  sample eq reply: ${sample.body}`);
    console.log(`  server peak RSS: ${server.peakRssMiB().toFixed(0)} MiB`);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const databaseUrl = await freshDatabase('concord_bench_managed');
  const floor = await copyFloor(databaseUrl);
  console.log(`floor: PostgreSQL COPY of ${USERS} managed-user documents: ${floor.toFixed(0)} rows/s`);
  // BENCH_REPOS=postgres (or embedded) measures one repository only.
  const repos = (process.env.BENCH_REPOS ?? 'postgres,embedded').split(',');
  if (repos.includes('postgres')) await measure('PostgreSQL', { DATABASE_URL: databaseUrl }, floor);
  if (repos.includes('embedded')) await measure('embedded PGlite', {}, floor);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
