/**
 * npm run bench:ldap — BENCH_ENTRIES (default 100,000) inetOrgPerson entries loaded with `slapadd -q` into a
 * private slapd (the test harness), then, in one run against the same server:
 *   1. `ldapsearch -E pr=1000/noprompt` of every entry, output discarded: the floor for reading;
 *   2. the connector's streaming query of the same entries, sampling memory every 100 ms;
 *   3. `GET /openidm/system/ldap/account?_queryFilter=true&_pageSize=1000` paged to the end through a Concord
 *      started as a separate process;
 *   4. BENCH_CREATES (default 10,000) creates through the connector, 8 at a time, against `ldapadd` of the same
 *      entries into another branch.
 * Aims: streaming ≤ 1.5× the ldapsearch time; creates ≥ 1.0× the ldapadd rate; RSS flat while streaming.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LdapConnector } from '../src/connectors/ldap/ldap.connector';
import { compileProvisioner } from '../src/connectors/ldap/provisioner.schema';
import { startSlapd, type SlapdInstance } from '../test/support/slapd';
import { ADMIN_HEADERS, REPO_ROOT, startConcord, tempProject } from './support/concord-process';
import {
  ACCOUNT_ATTRIBUTES,
  CONNECTOR_BRANCH,
  LDAPADD_BRANCH,
  PEOPLE,
  type MemorySample,
  branchLdif,
  describeMemory,
  forEachConcurrently,
  person,
  personLdif,
  rate,
  runDiscarding,
  sampleMemory,
  seconds,
} from './support/ldap-bench.support';
import { send } from './support/load';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const CREATES = Number(process.env.BENCH_CREATES ?? Math.min(10_000, ENTRIES));
const CONCURRENCY = 8;
const PAGE = 1000;
const SAMPLE_PROVISIONER = join(
  REPO_ROOT,
  'samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json',
);

/** The sample provisioner, bound as the harness's service account, reading 1,000 entries per LDAP page. */
function provisionerFile(slapd: SlapdInstance): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(SAMPLE_PROVISIONER, 'utf8')) as {
    configurationProperties: Record<string, unknown>;
  };
  Object.assign(raw.configurationProperties, {
    host: slapd.host,
    port: slapd.port,
    principal: slapd.serviceDn,
    credentials: slapd.servicePassword,
    blockSize: PAGE,
  });
  return raw;
}

async function floorSearch(slapd: SlapdInstance): Promise<number> {
  const started = process.hrtime.bigint();
  await runDiscarding('/usr/bin/ldapsearch', [
    ...['-x', '-LLL', '-H', slapd.url, '-D', slapd.serviceDn, '-w', slapd.servicePassword],
    ...['-b', PEOPLE, '-E', `pr=${PAGE}/noprompt`, '(objectClass=inetOrgPerson)', ...ACCOUNT_ATTRIBUTES],
  ]);
  return seconds(started);
}

async function connectorStream(
  connector: LdapConnector,
  fields: readonly string[] | undefined,
): Promise<{ secs: number; count: number; memory: MemorySample[] }> {
  const memory = sampleMemory(100);
  const started = process.hrtime.bigint();
  let count = 0;
  for await (const object of connector.query('account', { filter: { type: 'true' }, fields })) {
    if (object._id) count++;
  }
  const secs = seconds(started);
  return { secs, count, memory: memory.stop() };
}

async function restPaging(slapd: SlapdInstance): Promise<{ secs: number; count: number; peakRss: number }> {
  const projectDir = tempProject();
  writeFileSync(
    join(projectDir, 'config', 'provisioner.openicf-ldap.json'),
    JSON.stringify(provisionerFile(slapd)),
  );
  const server = await startConcord(projectDir);
  try {
    const target = { port: server.port, headers: ADMIN_HEADERS };
    const started = process.hrtime.bigint();
    let count = 0;
    let cookie: string | null = null;
    do {
      const path: string =
        `/openidm/system/ldap/account?_queryFilter=true&_pageSize=${PAGE}` +
        (cookie ? `&_pagedResultsCookie=${encodeURIComponent(cookie)}` : '');
      const reply = await send(target, { method: 'GET', path });
      if (reply.status !== 200) throw new Error(`REST page failed with ${reply.status}: ${reply.body}`);
      const page = JSON.parse(reply.body) as { resultCount: number; pagedResultsCookie: string | null };
      count += page.resultCount;
      cookie = page.pagedResultsCookie;
    } while (cookie);
    return { secs: seconds(started), count, peakRss: server.peakRssMiB() };
  } finally {
    await server.stop();
  }
}

async function floorAdd(slapd: SlapdInstance, from: number, to: number): Promise<number> {
  let ldif = '';
  for (let i = from; i < to; i++) ldif += personLdif(person('new', i), LDAPADD_BRANCH);
  const started = process.hrtime.bigint();
  await runDiscarding(
    '/usr/bin/ldapadd',
    ['-x', '-H', slapd.url, '-D', slapd.serviceDn, '-w', slapd.servicePassword],
    ldif,
  );
  return seconds(started);
}

async function connectorCreates(connector: LdapConnector, from: number, to: number): Promise<number> {
  const started = process.hrtime.bigint();
  await forEachConcurrently(to - from, CONCURRENCY, async (i) => {
    const p = person('new', from + i);
    await connector.create('account', { dn: `uid=${p.uid},${CONNECTOR_BRANCH}`, ...p });
  });
  return seconds(started);
}

/** In alternating halves, so that neither side always writes into the fuller database and accesslog. */
async function creates(
  slapd: SlapdInstance,
  connector: LdapConnector,
): Promise<{ add: number; ours: number }> {
  const half = Math.floor(CREATES / 2);
  const add = await floorAdd(slapd, 0, half);
  const ours = await connectorCreates(connector, 0, half);
  const ours2 = await connectorCreates(connector, half, CREATES);
  const add2 = await floorAdd(slapd, half, CREATES);
  return { add: add + add2, ours: ours + ours2 };
}

async function main(): Promise<void> {
  console.log(`node ${process.version} ${process.execArgv.join(' ')}`.trim());
  console.log(
    `bench:ldap — ${ENTRIES} entries, ${CREATES} creates (${CONCURRENCY} concurrent), pages of ${PAGE}`,
  );
  let ldif = branchLdif(PEOPLE) + branchLdif(LDAPADD_BRANCH) + branchLdif(CONNECTOR_BRANCH);
  for (let i = 0; i < ENTRIES; i++) ldif += personLdif(person('user', i), PEOPLE);
  const started = process.hrtime.bigint();
  const slapd = await startSlapd({ ldif });
  console.log(`load: slapadd -q of ${ENTRIES} entries and start: ${rate(ENTRIES, seconds(started))}`);
  ldif = '';
  const connector = new LdapConnector(compileProvisioner(provisionerFile(slapd)));
  try {
    await connectorStream(connector, ['uid']); // warm-up: server cache, connection pool, JIT
    const floor = await floorSearch(slapd);
    console.log(`\nfloor   ldapsearch -E pr=${PAGE}/noprompt:          ${rate(ENTRIES, floor)}`);
    const plain = await connectorStream(
      connector,
      ACCOUNT_ATTRIBUTES.filter((a) => a !== 'entryUUID'),
    );
    console.log(`connector stream, the same attributes:         ${rate(plain.count, plain.secs)}`);
    console.log(`  ratio to ldapsearch time: ${(plain.secs / floor).toFixed(2)}× (aim ≤ 1.5×)`);
    console.log(`  ${describeMemory(plain.memory)}`);
    const full = await connectorStream(connector, undefined);
    console.log(`connector stream, every property + ldapGroups: ${rate(full.count, full.secs)}`);
    console.log(`  ratio to ldapsearch time: ${(full.secs / floor).toFixed(2)}×`);
    console.log(`  ${describeMemory(full.memory)}`);
    if (plain.count !== ENTRIES || full.count !== ENTRIES)
      throw new Error(`expected ${ENTRIES} entries, streamed ${plain.count} and ${full.count}`);

    const rest = await restPaging(slapd);
    console.log(`REST _pageSize=${PAGE} paged to the end:           ${rate(rest.count, rest.secs)}`);
    console.log(
      `  ratio to ldapsearch time: ${(rest.secs / floor).toFixed(2)}×; server peak RSS ${rest.peakRss.toFixed(0)} MiB`,
    );
    if (rest.count !== ENTRIES) throw new Error(`expected ${ENTRIES} entries over REST, got ${rest.count}`);

    const { add, ours } = await creates(slapd, connector);
    console.log(`\nfloor   ldapadd of ${CREATES} entries:                 ${rate(CREATES, add)}`);
    console.log(`connector create, ${CONCURRENCY} concurrent:                ${rate(CREATES, ours)}`);
    console.log(`  ratio to ldapadd rate: ${(add / ours).toFixed(2)}× (aim ≥ 1.0×)`);
  } finally {
    await connector.close();
    await slapd.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
