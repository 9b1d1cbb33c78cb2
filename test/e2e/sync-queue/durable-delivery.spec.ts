/**
 * Implicit-sync delivery over the REST API through the sample's mappings (managedUser_systemLdapAccounts), on
 * PostgreSQL and a real slapd: the change is in LDAP when the managed write returns; with LDAP down every write
 * still succeeds and every change arrives after it is back.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import type { TestConcord } from '../../support/concord-app';
import { queuedChanges } from '../../support/sync-observers';
import type { SlapdInstance } from '../../support/slapd';
import { ldapEntry, newUser, sampleProject, startDirectory, startWithSettings } from './delivery.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let slapd: SlapdInstance;
let t: TestConcord;

beforeAll(async () => {
  slapd = await startDirectory();
  t = await startWithSettings(slapd, { projectDir: sampleProject() });
});
afterAll(async () => {
  await t.destroy();
  await slapd.destroy();
});

/** uid → description of the LDAP entries matching `filter`. */
async function descriptions(filter: string): Promise<Map<string, string>> {
  const ldif = await slapd.search(PEOPLE, filter, ['uid', 'description']);
  const found = new Map<string, string>();
  for (const block of ldif.split('\n\n')) {
    const uid = /^uid: (.*)$/m.exec(block)?.[1];
    const description = /^description: (.*)$/m.exec(block)?.[1];
    if (uid !== undefined) found.set(uid, description ?? '');
  }
  return found;
}

it('delivers a create, update and delete through the mappings before the REST reply', async () => {
  await t.admin('put', '/openidm/managed/user/fdoe').send(newUser('fdoe')).expect(201);
  // ABSENT → CREATE; the mapping's onCreate names the entry uid=<userName>,ou=People.
  expect(await ldapEntry(slapd, 'fdoe')).toContain(`dn: uid=fdoe,${PEOPLE}`);
  await t
    .admin('patch', '/openidm/managed/user/fdoe')
    .send([{ operation: 'replace', field: '/sn', value: 'Doe' }])
    .expect(200);
  expect(await ldapEntry(slapd, 'fdoe')).toContain('sn: Doe');
  await t.admin('delete', '/openidm/managed/user/fdoe').expect(200);
  expect(await ldapEntry(slapd, 'fdoe')).toBe('');
  expect(await queuedChanges(t)).toBe(0);
});

it('answers 1,000 edits made while LDAP is down and delivers every one after it restarts', async () => {
  const users = Array.from({ length: 100 }, (_, i) => `out${i}`);
  for (const name of users)
    await t.admin('put', `/openidm/managed/user/${name}`).send(newUser(name)).expect(201);
  expect((await descriptions('(uid=out*)')).size).toBe(users.length);
  await slapd.stop();

  // Ten rounds, one after the other, so that `edit 10` is each user's last state; ten clients within a round.
  const statuses: number[] = [];
  for (let round = 1; round <= 10; round++) {
    const pending = [...users];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
          const reply = await t
            .admin('put', `/openidm/managed/user/${name}`)
            .send(newUser(name, { description: `edit ${round}` }));
          statuses.push(reply.status);
        }
      }),
    );
  }
  expect(statuses).toHaveLength(1000);
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
  // One row per object: ten edits of a user merge into one change, delivered with the user's latest state.
  expect(await queuedChanges(t)).toBe(100);

  await slapd.restart();
  await eventually('the queue to drain', async () => (await queuedChanges(t)) === 0, 90_000);
  const delivered = await descriptions('(uid=out*)');
  expect(users.filter((name) => delivered.get(name) !== 'edit 10')).toEqual([]);
  // Every change went to the entry the user is linked to: no duplicate entries were provisioned.
  expect(delivered.size).toBe(users.length);
}, 180_000);
