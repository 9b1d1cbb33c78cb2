/**
 * A change recorded before a crash is delivered after restart: a real Concord process (bin/concord.js, built
 * by `npm run build`) with in-request delivery switched off commits a managed write, is killed with SIGKILL
 * right after the reply, and a new Concord on the same PostgreSQL schema delivers the change to LDAP through the
 * sample's mappings (managedUser_systemLdapAccounts: ABSENT → CREATE).
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, startConcord as startConcordProcess } from '../../../bench/support/concord-process';
import { send } from '../../../bench/support/load';
import { eventually } from '../../integration/sync-queue/queue-fixture';
import {
  ADMIN,
  newSchemaName,
  POSTGRES_URL,
  startConcord,
  type TestConcord,
} from '../../support/concord-app';
import { SAMPLE_CONFIG } from '../recon/recon-sample.fixture';
import type { SlapdInstance } from '../../support/slapd';
import { deliveryProject, ldapEnv, ldapEntry, newUser, startDirectory } from './delivery.fixture';

let slapd: SlapdInstance;
let t: TestConcord | undefined;
const schema = newSchemaName();

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'concord.cli.js'))) {
    throw new Error('This test runs the built Concord: run `npm run build` first');
  }
  slapd = await startDirectory();
});
afterAll(async () => {
  await t?.destroy();
  await slapd?.destroy();
});

it('delivers after a restart the change committed just before a SIGKILL', async () => {
  const projectDir = deliveryProject();
  copyFileSync(join(SAMPLE_CONFIG, 'sync.json'), join(projectDir, 'config', 'sync.json'));
  writeFileSync(
    join(projectDir, 'config', 'repo.json'),
    JSON.stringify({ postgres: { url: POSTGRES_URL, schema } }),
  );
  const first = await startConcordProcess(projectDir, {
    ...ldapEnv(slapd),
    CONCORD_SYNC_INLINE: 'false',
    CONCORD_SYNC_WORKER: 'false',
  });
  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  const reply = await send(
    { port: first.port, headers: ADMIN },
    { method: 'PUT', path: '/openidm/managed/user/crashy', body: newUser('crashy') },
  );
  first.child.kill('SIGKILL');
  await exited;
  expect(reply.status).toBe(201);

  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const queued = await client.query(`SELECT object_id, operation FROM "${schema}".sync_queue`);
    expect(queued.rows).toEqual([{ object_id: 'crashy', operation: 'create' }]);
  } finally {
    await client.end();
  }
  expect(await ldapEntry(slapd, 'crashy')).toBe('');

  t = await startConcord({ repo: 'postgres', projectDir, schema, env: ldapEnv(slapd) });
  await eventually('the change to reach LDAP', async () => (await ldapEntry(slapd, 'crashy')) !== '');
  expect(await ldapEntry(slapd, 'crashy')).toContain('uid: crashy');
});

it("takes back at restart the leases of the node's killed run, not those of other nodes", async () => {
  const nodeSchema = newSchemaName();
  const projectDir = deliveryProject();
  copyFileSync(join(SAMPLE_CONFIG, 'sync.json'), join(projectDir, 'config', 'sync.json'));
  writeFileSync(
    join(projectDir, 'config', 'repo.json'),
    JSON.stringify({ postgres: { url: POSTGRES_URL, schema: nodeSchema } }),
  );
  const nodeEnv = { ...ldapEnv(slapd), CONCORD_NODE_ID: 'node-a' };
  const first = await startConcordProcess(projectDir, {
    ...nodeEnv,
    CONCORD_SYNC_INLINE: 'false',
    CONCORD_SYNC_WORKER: 'false',
  });
  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  for (const uid of ['mine', 'theirs']) {
    const reply = await send(
      { port: first.port, headers: ADMIN },
      { method: 'PUT', path: `/openidm/managed/user/${uid}`, body: newUser(uid) },
    );
    expect(reply.status).toBe(201);
  }
  first.child.kill('SIGKILL');
  await exited;

  // As if the killed run had been delivering 'mine', and a live node B were delivering 'theirs': both leased
  // for ten minutes.
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(
      `UPDATE "${nodeSchema}".sync_queue SET locked_until = now() + interval '10 minutes',
         locked_by = CASE object_id WHEN 'mine' THEN 'node-a|4242:0badc0de:1' ELSE 'node-b|4343:0badc0de' END`,
    );
  } finally {
    await client.end();
  }

  const second = await startConcord({ repo: 'postgres', projectDir, schema: nodeSchema, env: nodeEnv });
  try {
    await eventually('the change to reach LDAP', async () => (await ldapEntry(slapd, 'mine')) !== '', 15_000);
    expect(await ldapEntry(slapd, 'theirs')).toBe('');
  } finally {
    await second.destroy();
  }
});
