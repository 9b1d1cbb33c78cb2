/**
 * Implicit-sync delivery over the REST API, on PostgreSQL and a real slapd: the change is in LDAP when the
 * managed write returns; with LDAP down every write still succeeds and every change arrives after it is back.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import type { TestConcord } from '../../support/concord-app';
import type { SlapdInstance } from '../../support/slapd';
import { deliveryProject, ldapEntry, newUser, startDirectory, startWithProcessor } from './delivery.fixture';

let slapd: SlapdInstance;
let t: TestConcord;

beforeAll(async () => {
  slapd = await startDirectory();
  ({ t } = await startWithProcessor(slapd, { projectDir: deliveryProject() }));
});
afterAll(async () => {
  await t.destroy();
  await slapd.destroy();
});

const queueSize = async (): Promise<number> =>
  (await t.admin('get', '/openidm/sync/queue?_queryFilter=true&_totalPagedResultsPolicy=EXACT').expect(200))
    .body.totalPagedResults as number;

it('delivers a create, update and delete before the REST reply', async () => {
  await t.admin('put', '/openidm/managed/user/fdoe').send(newUser('fdoe')).expect(201);
  expect(await ldapEntry(slapd, 'fdoe')).toContain('uid: fdoe');
  await t
    .admin('patch', '/openidm/managed/user/fdoe')
    .send([{ operation: 'replace', field: '/sn', value: 'Doe' }])
    .expect(200);
  expect(await ldapEntry(slapd, 'fdoe')).toContain('sn: Doe');
  await t.admin('delete', '/openidm/managed/user/fdoe').expect(200);
  expect(await ldapEntry(slapd, 'fdoe')).toBe('');
  expect(await queueSize()).toBe(0);
});

it('answers 1,000 edits made while LDAP is down and delivers every one after it restarts', async () => {
  const users = Array.from({ length: 100 }, (_, i) => `out${i}`);
  for (const name of users)
    await t.admin('put', `/openidm/managed/user/${name}`).send(newUser(name)).expect(201);
  await slapd.stop();

  const statuses: number[] = [];
  for (let round = 1; round <= 10; round++) {
    for (const name of users) {
      const reply = await t
        .admin('put', `/openidm/managed/user/${name}`)
        .send(newUser(name, { description: `edit ${round}` }));
      statuses.push(reply.status);
    }
  }
  expect(statuses).toHaveLength(1000);
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
  expect(await queueSize()).toBe(100);

  await slapd.restart();
  await eventually('the queue to drain', async () => (await queueSize()) === 0, 60_000);
  const ldif = await slapd.search('ou=People,dc=example,dc=com', '(uid=out*)', ['uid', 'description']);
  const delivered = new Map<string, string>();
  for (const block of ldif.split('\n\n')) {
    const uid = /^uid: (.*)$/m.exec(block)?.[1];
    const description = /^description: (.*)$/m.exec(block)?.[1];
    if (uid !== undefined) delivered.set(uid, description ?? '');
  }
  expect(users.filter((name) => delivered.get(name) !== 'edit 10')).toEqual([]);
});
