/**
 * Implicit sync writes what the linked entry needs as it stands when the change is delivered, whatever happened
 * to it since the object's last write: an LDAP edit made meanwhile stays where the change did not touch it and
 * live sync brings it back (the sample is bidirectional), or is put back by the mapping where nothing brings LDAP's
 * changes back; a rename or a delete made meanwhile is found as a read would find it; and a link re-pointed
 * meanwhile sends the change to the entry it points at now. Each of these follows a managed write whose sync
 * left the connector remembering the entry as written (ReadOptions.lastWritten): the change made behind its back
 * must be noticed, not assumed away. Sample mappings, real slapd and PostgreSQL.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { factory } from '../../support/slapd.factory';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest();
  await env.recon(LDAP_TO_MANAGED);
  // The first live sync only records the latest token.
  await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync').expect(200);
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
async function createAndUpdate(userName: string, on: ReconTestEnv = env): Promise<string> {
  const created = await on.t
    .admin('post', '/openidm/managed/user?_action=create')
    .send(person(userName, 'one'));
  expect(created.status).toBe(201);
  const id = String(created.body._id);
  expect((await on.t.admin('put', `/openidm/managed/user/${id}`).send(person(userName, 'two'))).status).toBe(
    200,
  );
  expect(await on.slapd.search(PEOPLE, `(uid=${userName})`)).toContain('description: two');
  return id;
}

async function queueEmpty(id: string): Promise<void> {
  await eventually(`the queue row of ${id} to go`, async () => {
    const rows = await env.t.sql('SELECT 1 FROM sync_queue WHERE object_id = $1', [id]);
    return rows.length === 0;
  });
}

describe('implicit sync after the linked entry changed since the last managed write', () => {
  it('keeps an LDAP edit made since the last managed write where the write changes nothing, and live sync brings it back', async () => {
    const id = await createAndUpdate('ant1');
    await env.slapd.modify(`dn: uid=ant1,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Drifted\n`);

    const res = await env.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant1', 'three'));

    expect(res.status).toBe(200);
    const entry = await ldapEntry('ant1');
    expect(entry).toContain('description: three');
    expect(entry).toContain('sn: Drifted');
    await env.t.admin('post', '/openidm/system/ldap/account?_action=liveSync').expect(200);
    const user = await env.t.admin('get', `/openidm/managed/user/${id}`).expect(200);
    expect(user.body).toMatchObject({ sn: 'Drifted', description: 'three' });
  });

  it('writes the change to an entry renamed in LDAP since the last managed write, at its new DN', async () => {
    const id = await createAndUpdate('ant4');
    await env.slapd.modify(
      `dn: uid=ant4,${PEOPLE}\nchangetype: modrdn\nnewrdn: uid=ant4moved\ndeleteoldrdn: 0\n`,
    );

    const res = await env.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant4', 'three'));

    expect(res.status).toBe(200);
    const entry = await env.slapd.search(PEOPLE, '(uid=ant4)');
    expect(entry).toContain(`dn: uid=ant4moved,${PEOPLE}`);
    expect(entry).toContain('description: three');
    await queueEmpty(id);
  });

  it('treats an entry deleted in LDAP since the last managed write as MISSING, as a read would find it', async () => {
    const id = await createAndUpdate('ant5');
    await env.slapd.modify(`dn: uid=ant5,${PEOPLE}\nchangetype: delete\n`);

    const res = await env.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant5', 'three'));

    expect(res.status).toBe(200);
    await queueEmpty(id);
    // The sample's outbound MISSING policy is IGNORE: no entry comes back, and the sync did not fail.
    expect(await ldapEntry('ant5')).not.toContain('dn:');
    const events = await env.t.admin('get', '/openidm/audit/sync').query({
      _queryFilter: `mapping eq "managedUser_systemLdapAccounts" and sourceObjectId eq "managed/user/${id}"`,
    });
    const outcomes = (
      events.body.result as { timestamp: string; situation: string; action: string; status: string }[]
    )
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((e) => `${e.situation} ${e.action} ${e.status}`);
    // The first try, planned from the entry as last written, was refused by the directory and left no event.
    expect(outcomes).toEqual(['ABSENT CREATE SUCCESS', 'CONFIRMED UPDATE SUCCESS', 'MISSING IGNORE SUCCESS']);
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

describe('implicit sync where nothing brings LDAP changes back (managed → LDAP only)', () => {
  let oneWay: ReconTestEnv;

  beforeAll(async () => {
    // The sample's outbound mapping alone, on links of its own.
    oneWay = await startReconTest({
      mappings: ([, toLdap]) => {
        const { links: _inbound, ...own } = toLdap as { links?: unknown };
        return [own];
      },
    });
  });

  afterAll(async () => {
    await oneWay?.destroy();
  });

  it('puts the mapped values back over an LDAP edit when the managed change touches no mapped property', async () => {
    const id = await createAndUpdate('ant6', oneWay);
    await oneWay.slapd.modify(`dn: uid=ant6,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Drifted\n`);

    // accountStatus is not mapped to LDAP: what Concord last wrote to the entry looks like what the mapping wants.
    const res = await oneWay.t
      .admin('put', `/openidm/managed/user/${id}`)
      .send({ ...person('ant6', 'two'), accountStatus: 'inactive' });

    expect(res.status).toBe(200);
    const entry = await oneWay.slapd.search(PEOPLE, '(uid=ant6)');
    expect(entry).toContain('sn: Ticipate');
    expect(entry).not.toContain('Drifted');
  });

  it('puts the mapped value back over an LDAP edit made since the last managed write', async () => {
    const id = await createAndUpdate('ant3', oneWay);
    await oneWay.slapd.modify(`dn: uid=ant3,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: Drifted\n`);

    const res = await oneWay.t.admin('put', `/openidm/managed/user/${id}`).send(person('ant3', 'three'));

    expect(res.status).toBe(200);
    const entry = await oneWay.slapd.search(PEOPLE, '(uid=ant3)');
    expect(entry).toContain('description: three');
    expect(entry).toContain('sn: Ticipate');
    expect(entry).not.toContain('Drifted');
  });
});
