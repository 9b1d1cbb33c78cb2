/**
 * Issue 6 item 5 on the sample, real slapd and PostgreSQL: `GET managed/user/<id>/ldap/sync` pulls the linked
 * entry now, `PATCH …/ldap/mapping` re-points the link, `POST …/ldap/sync` queues a push to LDAP.
 */
import { eventually } from '../../integration/sync-queue/queue-fixture';
import { factory } from '../../support/slapd.factory';
import { expectCrestError } from '../crest-expect';
import { LDAP_TO_MANAGED, reconciledSampleForFile } from '../recon/recon-sample.fixture';

const PEOPLE = 'ou=People,dc=example,dc=com';
const env = reconciledSampleForFile();

type User = { _id: string; _rev: string } & Record<string, unknown>;

async function managedUser(userName: string): Promise<User> {
  const res = await env.t.admin('get', `/openidm/managed/user?_queryFilter=userName+eq+"${userName}"`);
  const [user] = (res.body as { result: User[] }).result;
  if (!user) throw new Error(`no managed user ${userName}`);
  return user;
}

const ldapEntry = (uid: string) => env.slapd.search(PEOPLE, `(uid=${uid})`);
const sync = (id: string) => `/openidm/managed/user/${id}/ldap/sync`;
const mapping = (id: string) => `/openidm/managed/user/${id}/ldap/mapping`;

/** The LDAP side (entryUUID) of the user's link, straight from the links table. */
async function linkedEntryId(userId: string): Promise<string | undefined> {
  const rows = await env.t.sql<{ first_id: string }>(
    'SELECT first_id FROM links WHERE link_type = $1 AND second_id = $2',
    [LDAP_TO_MANAGED, userId],
  );
  return rows[0]?.first_id;
}

async function entryUuid(uid: string): Promise<string> {
  const text = await env.slapd.search(PEOPLE, `(uid=${uid})`, ['entryUUID']);
  const match = /entryUUID: (\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`no entry uid=${uid}`);
  return match[1];
}

describe('GET managed/user/<id>/ldap/sync', () => {
  it('pulls an LDAP edit into the managed user and lists what changed', async () => {
    const bjensen = await managedUser('bjensen');
    await env.slapd.modify(
      `dn: uid=bjensen,${PEOPLE}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: +1 555 0142\n`,
    );

    const res = await env.t.admin('get', sync(bjensen._id));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'SUCCESS',
      message: expect.any(String),
      data: { _id: bjensen._id, userName: 'bjensen', telephoneNumber: '+1 555 0142' },
      changes: [{ field: '/telephoneNumber', before: bjensen.telephoneNumber, after: '+1 555 0142' }],
    });
    expect(bjensen.telephoneNumber).not.toBe('+1 555 0142');
    const stored = await managedUser('bjensen');
    expect(stored.telephoneNumber).toBe('+1 555 0142');
    expect(Number(stored._rev)).toBeGreaterThan(Number(bjensen._rev));
    const audit = await env.t.admin('get', '/openidm/audit/sync').query({
      _queryFilter: `sourceObjectId eq "system/ldap/account/${await entryUuid('bjensen')}" and userId eq "openidm-admin"`,
    });
    expect(audit.body.result).toEqual([
      expect.objectContaining({
        mapping: LDAP_TO_MANAGED,
        situation: 'CONFIRMED',
        action: 'UPDATE',
        targetObjectId: `managed/user/${bjensen._id}`,
        status: 'SUCCESS',
      }),
    ]);
  });

  it('reports no changes when the entry and the user already agree', async () => {
    const bjensen = await managedUser('bjensen');
    const res = await env.t.admin('get', sync(bjensen._id));
    expect(res.status).toBe(200);
    expect(res.body.changes).toEqual([]);
    expect((await managedUser('bjensen'))._rev).toBe(bjensen._rev);
  });

  it('answers 404 with USER_NOT_FOUND for an unknown user', async () => {
    const res = await env.t.admin('get', sync('no-such-user'));
    expectCrestError(res, 404);
    expect(res.body.message).toContain('USER_NOT_FOUND');
  });

  it('answers 409 for a user without an LDAP link', async () => {
    const created = await env.t
      .admin('post', '/openidm/managed/user?_action=create')
      .send({ userName: 'unlinked', givenName: 'Una', sn: 'Linked', mail: 'una@example.com' });
    expect(created.status).toBe(201);
    const id = String(created.body._id);
    await env.t.sql('DELETE FROM links WHERE link_type = $1 AND second_id = $2', [LDAP_TO_MANAGED, id]);

    const res = await env.t.admin('get', sync(id));
    expectCrestError(res, 409);
    expect(res.body.message).toContain('no LDAP link');
  });

  it('is for administrators only, not even for the user itself', async () => {
    const bjensen = await managedUser('bjensen');
    expectCrestError(await env.t.call('get', sync(bjensen._id)), 401);
    const password = 'Self-Service-9';
    const created = await env.t
      .admin('post', '/openidm/managed/user?_action=create')
      .send({ userName: 'selfie', givenName: 'Sel', sn: 'Fie', mail: 'selfie@example.com', password });
    const own = String(created.body._id);
    const asSelf = { 'X-OpenIDM-Username': 'selfie', 'X-OpenIDM-Password': password };
    expect((await env.t.call('get', `/openidm/managed/user/${own}`).set(asSelf)).status).toBe(200);
    expectCrestError(await env.t.call('get', sync(own)).set(asSelf), 403);
    expectCrestError(await env.t.call('post', sync(own)).set(asSelf), 403);
    expectCrestError(
      await env.t
        .call('patch', mapping(own))
        .set(asSelf)
        .send({ ldap_dn: `uid=bjensen,${PEOPLE}` }),
      403,
    );
  });
});

describe('PATCH managed/user/<id>/ldap/mapping', () => {
  it('points the link at the entry with that DN, and a pull then takes that entry', async () => {
    await env.slapd.add(factory.ldapEntry({ uid: 'spare', givenName: 'Spare', mail: 'spare@example.com' }));
    const user = await managedUser('unlinked');

    const res = await env.t.admin('patch', mapping(user._id)).send({ ldap_dn: `uid=spare,${PEOPLE}` });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _id: user._id, userName: 'unlinked', ldap_dn: `uid=spare,${PEOPLE}` });
    expect(await linkedEntryId(user._id)).toBe(await entryUuid('spare'));
    const pulled = await env.t.admin('get', sync(user._id));
    expect(pulled.status).toBe(200);
    expect(pulled.body.data).toMatchObject({ userName: 'spare', mail: 'spare@example.com' });
    expect(pulled.body.changes).toEqual(
      expect.arrayContaining([{ field: '/userName', before: 'unlinked', after: 'spare' }]),
    );
  });

  it('re-points an existing link to another entry', async () => {
    const user = await managedUser('spare');
    // The pull's own implicit sync (spare's values back to spare's entry) goes first.
    await eventually('the pull to be synced', async () => {
      const rows = await env.t.sql('SELECT 1 FROM sync_queue WHERE object_id = $1', [user._id]);
      return rows.length === 0;
    });
    const res = await env.t.admin('patch', mapping(user._id)).send({ ldap_dn: `UID=unlinked, ${PEOPLE}` });
    expect(res.status).toBe(200);
    expect(await linkedEntryId(user._id)).toBe(await entryUuid('unlinked'));
    const links = await env.t.sql('SELECT 1 FROM links WHERE link_type = $1 AND second_id = $2', [
      LDAP_TO_MANAGED,
      user._id,
    ]);
    expect(links).toHaveLength(1);
  });

  it('answers 409 when the entry is linked to another user, and leaves the links alone', async () => {
    const user = await managedUser('spare');
    const before = await linkedEntryId(user._id);
    const res = await env.t.admin('patch', mapping(user._id)).send({ ldap_dn: `uid=bjensen,${PEOPLE}` });
    expectCrestError(res, 409);
    expect(await linkedEntryId(user._id)).toBe(before);
    expect(await linkedEntryId((await managedUser('bjensen'))._id)).toBe(await entryUuid('bjensen'));
  });

  it('answers 404 for a DN with no entry and for an unknown user', async () => {
    const user = await managedUser('spare');
    expectCrestError(
      await env.t.admin('patch', mapping(user._id)).send({ ldap_dn: `uid=ghost,${PEOPLE}` }),
      404,
    );
    const unknown = await env.t
      .admin('patch', mapping('no-such-user'))
      .send({ ldap_dn: `uid=spare,${PEOPLE}` });
    expectCrestError(unknown, 404);
    expect(unknown.body.message).toContain('USER_NOT_FOUND');
  });

  it.each([
    ['a malformed DN', { ldap_dn: 'not a dn' }],
    ['an empty DN', { ldap_dn: '' }],
    ['a DN that is not a string', { ldap_dn: 42 }],
    ['no ldap_dn', { dn: `uid=spare,${PEOPLE}` }],
    ['an array body', [`uid=spare,${PEOPLE}`]],
  ])('answers 400 for %s', async (_what, body) => {
    const user = await managedUser('spare');
    expectCrestError(await env.t.admin('patch', mapping(user._id)).send(body), 400);
  });
});

describe('POST managed/user/<id>/ldap/sync', () => {
  it('queues the user, and the worker pushes its current state to LDAP', async () => {
    const jdoe = await managedUser('jdoe');
    // A change made behind Concord's back (no implicit sync): only the queued sync can carry it to LDAP.
    await env.t.sql(
      `UPDATE managed_objects SET doc = jsonb_set(doc, '{telephoneNumber}', '"+1 555 0177"')
       WHERE object_type = 'user' AND id = $1`,
      [jdoe._id],
    );
    expect(await ldapEntry('jdoe')).not.toContain('+1 555 0177');

    const res = await env.t.admin('post', sync(jdoe._id));

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'queued' });
    await eventually('the queued change to reach LDAP', async () =>
      (await ldapEntry('jdoe')).includes('telephoneNumber: +1 555 0177'),
    );
  });

  it('answers 404 for an unknown user', async () => {
    const res = await env.t.admin('post', sync('no-such-user'));
    expectCrestError(res, 404);
  });
});

describe('methods and outages', () => {
  it.each([
    ['put', 'sync'],
    ['delete', 'sync'],
    ['patch', 'sync'],
    ['get', 'mapping'],
    ['post', 'mapping'],
    ['delete', 'mapping'],
  ] as const)('answers %s on …/ldap/%s with a 405 CREST error', async (method, leaf) => {
    const bjensen = await managedUser('bjensen');
    const path = leaf === 'sync' ? sync(bjensen._id) : mapping(bjensen._id);
    expectCrestError(await env.t.admin(method, path).send({}), 405);
  });

  it('answers 503 when LDAP is down, and works again once it is back', async () => {
    const bjensen = await managedUser('bjensen');
    await env.slapd.stop();
    try {
      expectCrestError(await env.t.admin('get', sync(bjensen._id)), 503);
      expectCrestError(
        await env.t.admin('patch', mapping(bjensen._id)).send({ ldap_dn: `uid=bjensen,${PEOPLE}` }),
        503,
      );
    } finally {
      await env.slapd.restart();
    }
    await eventually(
      'LDAP to answer again',
      async () => (await env.t.admin('get', sync(bjensen._id))).status === 200,
    );
  });
});
