/**
 * Issue 6, "every LDAP change comes back", with the poller running (every 200 ms) while 20 connections edit 20
 * entries as fast as slapd answers: once they stop, each entry still holds its connection's last edit (no reverse
 * sync wrote an older value over it) and each managed user shows it (no change log entry was stepped over). The
 * sample's mappings, real slapd and PostgreSQL. Before 9525da4 and bb4641a, 2 of 3 runs ended with users whose last
 * edit never came back.
 */
import { Attribute, Change, Client } from 'ldapts';
import { ROOT_DN, ROOT_PASSWORD } from '../../support/slapd';
import { factory } from '../../support/slapd.factory';
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const USERS = 20;
const EDITS = 25;
const uids = Array.from({ length: USERS }, (_, i) => `load${i}`);
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest({
    ldif: uids.map((uid) => factory.ldapEntry({ uid })).join('\n'),
    settings: { CONCORD_LIVESYNC_SOURCES: 'system/ldap/account', CONCORD_LIVESYNC_INTERVAL_MS: '200' },
  });
  await env.recon(LDAP_TO_MANAGED);
  await eventually('the poller to record its first token', async () => {
    const stage = await env.t.admin('get', '/openidm/repo/synchronisation/pooledSyncStage/SYSTEMLDAPACCOUNT');
    return stage.status === 200;
  });
});

afterAll(async () => {
  await env?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function editMany(uid: string): Promise<void> {
  const client = new Client({ url: env.slapd.url });
  await client.bind(ROOT_DN, ROOT_PASSWORD);
  try {
    for (let edit = 0; edit < EDITS; edit++) {
      const modification = new Attribute({ type: 'description', values: [`${uid} edit ${edit}`] });
      await client.modify(`uid=${uid},${PEOPLE}`, new Change({ operation: 'replace', modification }));
      // Now and then long enough for the poller to take the edit and sync it back while the next one lands.
      await sleep(Math.random() < 0.5 ? 0 : Math.random() * 60);
    }
  } finally {
    await client.unbind();
  }
}

async function managedDescriptions(): Promise<Map<string, unknown>> {
  const res = await env.t
    .admin('get', '/openidm/managed/user?_queryFilter=userName+sw+"load"&_fields=userName,description')
    .expect(200);
  const users = (res.body as { result: { userName: string; description?: unknown }[] }).result;
  return new Map(users.map((user) => [user.userName, user.description]));
}

it('ends with every entry and every managed user holding the last of 25 concurrent edits each', async () => {
  await Promise.all(uids.map(editMany));
  const last = new Map(uids.map((uid) => [uid, `${uid} edit ${EDITS - 1}`]));

  await eventually(
    'every managed user to show its last edit',
    async () => {
      const managed = await managedDescriptions();
      return uids.every((uid) => managed.get(uid) === last.get(uid));
    },
    20_000,
  );
  await sleep(1_000); // a reverse sync still under way would show now
  const entries = await env.slapd.search(PEOPLE, '(uid=load*)', ['uid', 'description']);
  for (const uid of uids) expect(entries).toContain(`description: ${last.get(uid)}`);
  expect(await managedDescriptions()).toEqual(last);
});
