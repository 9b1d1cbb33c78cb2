/**
 * npm run bench:sync — durable delivery and live sync, on PostgreSQL and a private slapd.
 *
 * (c) Outage drain: BENCH_SYNC_EDITS (default 10,000) managed-user edits made while slapd is stopped (all must
 *     succeed), then the time from slapd's restart until the implicit-sync queue is empty. Deliveries are made
 *     by the TEST processor test/integration/sync-queue/ldap-writer.processor.ts (writes the user's current
 *     state to uid=<userName>,ou=People), not by the sync engine's mappings.
 * (b) Live-sync latency: from an ldapmodify returning to the change reaching the live-sync change handler,
 *     with the poller at its default 1 s interval (BENCH_SYNC_LIVE_SAMPLES changes, default 30).
 *
 * Concord runs in this process (createConcordApp) so that the test processor and handler can be bound.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createConcordApp, type ConcordApp } from '../src/app.factory';
import { loadProject } from '../src/config/project.loader';
import { DomainError } from '../src/core/errors/domain-error';
import { LiveSyncChangeHandler, type LiveSyncChange } from '../src/livesync/live-sync-change.handler';
import { LiveSyncService } from '../src/livesync/live-sync.service';
import { ManagedService } from '../src/managed/managed.service';
import { SqlDatabase } from '../src/persistence/sql-database';
import { ChangeDelivery } from '../src/sync-queue/change-delivery.service';
import { ConnectorRegistry } from '../src/system/connector-registry';
import { LdapWriterProcessor } from '../test/integration/sync-queue/ldap-writer.processor';
import { startSlapd, type SlapdInstance } from '../test/support/slapd';
import { REPO_ROOT, tempProject } from './support/concord-process';

const EDITS = Number(process.env.BENCH_SYNC_EDITS ?? 10_000);
const USERS = Math.min(1_000, EDITS);
const LIVE_SAMPLES = Number(process.env.BENCH_SYNC_LIVE_SAMPLES ?? 30);
const CLIENTS = 16;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PEOPLE = 'ou=People,dc=example,dc=com';

const newUser = (i: number, description = 'initial') => ({
  userName: `bench${i}`,
  givenName: `Bench${i}`,
  sn: 'Sync',
  mail: `bench${i}@example.com`,
  description,
});

class TimingHandler extends LiveSyncChangeHandler {
  private waiting = new Map<string, (at: number) => void>();
  expect(mail: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(mail, resolve));
  }
  notifyCreate(change: LiveSyncChange): Promise<void> {
    return this.note(change);
  }
  notifyUpdate(change: LiveSyncChange): Promise<void> {
    return this.note(change);
  }
  notifyDelete(change: LiveSyncChange): Promise<void> {
    return this.note(change);
  }
  private note(change: LiveSyncChange): Promise<void> {
    const mail = typeof change.object?.mail === 'string' ? change.object.mail : '';
    this.waiting.get(mail)?.(performance.now());
    this.waiting.delete(mail);
    return Promise.resolve();
  }
}

async function startApp(slapd: SlapdInstance, schema: string): Promise<ConcordApp> {
  const projectDir = tempProject();
  writeFileSync(
    join(projectDir, 'config', 'provisioner.openicf-ldap.json'),
    readFileSync(
      join(REPO_ROOT, 'samples/sync-with-ldap-bidirectional/config/provisioner.openicf-ldap.json'),
    ),
  );
  Object.assign(process.env, {
    CONCORD_LIVESYNC_SOURCES: 'system/ldap/account',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
  const project = loadProject(projectDir, {
    OPENIDM_LDAP_HOST: slapd.host,
    OPENIDM_LDAP_PORT: String(slapd.port),
  });
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const concord = await createConcordApp(project, {
    repo: { kind: 'postgres', url: DATABASE_URL, schema, poolSize: 16 },
    logDestination: quiet,
  });
  await concord.app.init();
  return concord;
}

async function pool(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function outageDrain(concord: ConcordApp, slapd: SlapdInstance): Promise<void> {
  const managed = concord.app.get(ManagedService);
  const db = concord.app.get(SqlDatabase);
  for (let i = 0; i < USERS; i++) await managed.create('user', `bench${i}`, newUser(i));
  await slapd.stop();
  const started = performance.now();
  let failures = 0;
  await pool(EDITS, async (n) => {
    const i = n % USERS;
    await managed
      .update('user', `bench${i}`, newUser(i, `edit ${n}`), { kind: 'any' })
      .catch(() => failures++);
  });
  const editSeconds = (performance.now() - started) / 1000;
  const queued = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sync_queue'))[0]?.n);
  await slapd.restart();
  const restarted = performance.now();
  const deadline = restarted + 15 * 60_000;
  for (;;) {
    if (performance.now() > deadline) throw new Error('The queue did not drain within 15 minutes');
    const left = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sync_queue'))[0]?.n);
    if (left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const drainSeconds = (performance.now() - restarted) / 1000;
  console.log(
    `(c) outage drain [test processor, not the sync engine]: ${EDITS} edits of ${USERS} users with slapd stopped ` +
      `in ${editSeconds.toFixed(1)} s (${failures} failed), ${queued} queued rows; drained ${drainSeconds.toFixed(2)} s after restart`,
  );
}

async function liveSyncLatency(handler: TimingHandler, slapd: SlapdInstance): Promise<void> {
  const latencies: number[] = [];
  // Sample -1 is a warm-up: it waits until the poller has worked through the drain's own writes.
  for (let i = -1; i < LIVE_SAMPLES; i++) {
    const mail = `live${i}-${randomBytes(3).toString('hex')}@example.com`;
    const seen = handler.expect(mail);
    await slapd.modify(`dn: uid=bench0,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: ${mail}\n`);
    const modified = performance.now();
    const latency = (await seen) - modified;
    if (i >= 0) latencies.push(latency);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `(b) live-sync latency, ldapmodify → change handler, 1 s poll, ${LIVE_SAMPLES} changes: ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const slapd = await startSlapd({ ldif: `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: People\n` });
  const schema = `bench_sync_${randomBytes(4).toString('hex')}`;
  const concord = await startApp(slapd, schema);
  try {
    const managed = concord.app.get(ManagedService);
    const registry = concord.app.get(ConnectorRegistry);
    const processor = new LdapWriterProcessor(
      (id) =>
        managed.read('user', id, undefined).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
          throw error;
        }),
      () => registry.get('ldap'),
    );
    concord.app.get(ChangeDelivery).use(processor);
    const handler = new TimingHandler();
    concord.app.get(LiveSyncService).use(handler);
    await outageDrain(concord, slapd);
    await liveSyncLatency(handler, slapd);
  } finally {
    await concord.close();
    await slapd.destroy();
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
