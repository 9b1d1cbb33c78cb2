/**
 * A managed update starts implicit sync's read of the linked LDAP entry as the request begins, where this node
 * saw the object's link on an earlier write (ImplicitSyncProcessor.anticipate). That read must change nothing a
 * user can see: the entry is read afresh for each write, and the link the write itself reads decides which
 * entry is written. Sample mappings, real slapd and PostgreSQL.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { factory } from '../../support/slapd.factory';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
  await env.recon(LDAP_TO_MANAGED);
});

afterAll(async () => {
  await env?.destroy();
});

const ldapEntry = (uid: string) => env.slapd.search(PEOPLE, `(uid=${uid})`);

const person = (userName: string, description: string) => ({
  userName,
  givenName: 'Ann',
  sn: 'Ticipate',
  mail: `${userName}@example.com`,
  description,
});

/** Creates the user (and, by implicit sync, its entry), then updates it once so that this node saw its link. */
async function createAndUpdate(userName: string): Promise<string> {
  const created = await env.t
    .admin('post', '/openidm/managed/user?_action=create')
    .send(person(userName, 'one'));
  expect(created.status).toBe(201);
  const id = String(created.body._id);
  expect((await env.t.admin('put', `/openidm/managed/user/${id}`).send(person(userName, 'two'))).status).toBe(
    200,
  );
  expect(await ldapEntry(userName)).toContain('description: two');
  return id;
}

async function queueEmpty(id: string): Promise<void> {
  await eventually(`the queue row of ${id} to go`, async () => {
    const rows = await env.t.sql('SELECT 1 FROM sync_queue WHERE object_id = $1', [id]);
    return rows.length === 0;
  });
}

describe('implicit sync reads the linked entry as the write begins', () => {
  it('sees an LDAP edit made since the last managed write, and puts the mapped value back', async () => {
    const id = await createAndUpdate('ant1');
    await env.slapd.modify(`dn: uid=ant1,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Drifted\n`);

    const res = await env.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant1', 'three'));

    expect(res.status).toBe(200);
    const entry = await ldapEntry('ant1');
    expect(entry).toContain('description: three');
    expect(entry).toContain('sn: Ticipate');
    expect(entry).not.toContain('Drifted');
  });

  it('writes the entry the link points at now when it was re-pointed since the last managed write', async () => {
    const id = await createAndUpdate('ant2');
    await env.slapd.add(
      factory.ldapEntry({ uid: 'ant2b', givenName: 'Ann', sn: 'Ticipate', mail: 'ant2b@example.com' }),
    );
    const repointed = await env.t
      .admin('patch', `/openidm/managed/user/${id}/ldap/mapping`)
      .send({ ldap_dn: `uid=ant2b,${PEOPLE}` });
    expect(repointed.status).toBe(200);
    await queueEmpty(id);

    // The user now carries the values of the entry it is linked to, and a new description.
    const res = await env.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant2b', 'after'));

    expect(res.status).toBe(200);
    expect(await ldapEntry('ant2b')).toContain('description: after');
    const former = await ldapEntry('ant2');
    expect(former).toContain('description: two');
    expect(former).not.toContain('description: after');
  });
});
