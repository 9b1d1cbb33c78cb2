/**
 * `audit/activity` (§9): every managed create, update, patch and delete over REST writes one event, queryable with
 * `_queryFilter`, naming who did it, and never carrying a password or an encrypted value.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { expectCrestError } from '../crest-expect';

type Event = Record<string, unknown> & {
  _id: string;
  operation: string;
  objectId: string;
  timestamp: string;
};

const PASSWORD = 'Secr3t-Passw0rd!';
const NEW_PASSWORD = 'An0ther-Secr3t!';
const ADA = {
  userName: 'ada',
  givenName: 'Ada',
  sn: 'Lovelace',
  mail: 'ada@example.com',
  password: PASSWORD,
};
let t: TestConcord;

beforeAll(async () => {
  t = await startConcord({ repo: 'postgres' });
});
afterAll(async () => {
  await t?.destroy();
});

async function activityOf(id: string): Promise<Event[]> {
  const res = await t
    .admin('get', '/openidm/audit/activity')
    .query({ _queryFilter: `objectId eq "managed/user/${id}"`, _sortKeys: 'timestamp' });
  expect(res.status).toBe(200);
  return (res.body as { result: Event[] }).result;
}

describe('audit/activity over REST', () => {
  let id = '';
  const transactionId = 'client-chosen-transaction-1';

  it('records a create, a replace, a patch and a delete in order, each with who and the revision', async () => {
    const created = await t
      .admin('post', '/openidm/managed/user?_action=create')
      .set('X-ForgeRock-TransactionId', transactionId)
      .send(ADA);
    expect(created.status).toBe(201);
    id = String(created.body._id);
    const put = await t
      .admin('put', `/openidm/managed/user/${id}`)
      .set('If-Match', '*')
      .send({ ...created.body, sn: 'King' });
    expect(put.status).toBe(200);
    const patched = await t.admin('patch', `/openidm/managed/user/${id}`).send([
      { operation: 'replace', field: '/mail', value: 'countess@example.com' },
      { operation: 'replace', field: '/password', value: NEW_PASSWORD },
    ]);
    expect(patched.status).toBe(200);
    expect((await t.admin('delete', `/openidm/managed/user/${id}`)).status).toBe(200);

    const events = await activityOf(id);
    expect(events.map((e) => e.operation)).toEqual(['CREATE', 'UPDATE', 'PATCH', 'DELETE']);
    expect(events.map((e) => e.revision)).toEqual(['1', '2', '3', '3']);
    for (const event of events) {
      expect(event).toMatchObject({
        eventName: 'activity',
        objectId: `managed/user/${id}`,
        userId: 'openidm-admin',
        runAs: 'openidm-admin',
        status: 'SUCCESS',
        transactionId: expect.any(String),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    }
    const [create, update, patch, remove] = events;
    expect(create).toMatchObject({ transactionId, before: null, after: { userName: 'ada', sn: 'Lovelace' } });
    expect(update).toMatchObject({
      before: { sn: 'Lovelace' },
      after: { sn: 'King' },
      changedFields: ['/sn'],
      passwordChanged: false,
    });
    expect(patch).toMatchObject({
      before: { mail: 'ada@example.com' },
      after: { mail: 'countess@example.com' },
      changedFields: ['/mail', '/password'],
      passwordChanged: true,
    });
    expect(remove).toMatchObject({ before: { mail: 'countess@example.com' }, after: null });
    expect(new Set(events.map((e) => e._id)).size).toBe(4);
  });

  it('never carries a password, in clear or encrypted', async () => {
    const text = JSON.stringify(await activityOf(id));
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(NEW_PASSWORD);
    expect(text).not.toContain('$crypto');
    expect(text).not.toContain('"password"');
    const rows = await t.sql<{ doc: unknown }>(
      `SELECT doc FROM audit_events WHERE topic = 'activity' UNION ALL SELECT doc FROM audit_event_commons`,
    );
    expect(JSON.stringify(rows)).not.toContain('$crypto');
  });

  it('records nothing for an update that changes nothing, or a write that fails', async () => {
    const created = await t
      .admin('post', '/openidm/managed/user?_action=create')
      .send({ userName: 'grace', givenName: 'Grace', sn: 'Hopper', mail: 'grace@example.com' });
    const graceId = String(created.body._id);
    const same = await t
      .admin('patch', `/openidm/managed/user/${graceId}`)
      .send([{ operation: 'replace', field: '/sn', value: 'Hopper' }]);
    expect(same.status).toBe(200);
    const refused = await t
      .admin('patch', `/openidm/managed/user/${graceId}`)
      .send([{ operation: 'remove', field: '/mail' }]);
    expect(refused.status).toBe(403);
    expect((await activityOf(graceId)).map((e) => e.operation)).toEqual(['CREATE']);
  });

  it('is queryable by any field, and refuses _queryId like the other audit topics', async () => {
    const res = await t
      .admin('get', '/openidm/audit/activity')
      .query({ _queryFilter: 'operation eq "PATCH" and passwordChanged eq true' });
    expect(res.status).toBe(200);
    expect((res.body as { result: Event[] }).result.map((e) => e.objectId)).toEqual([`managed/user/${id}`]);
    expectCrestError(await t.admin('get', '/openidm/audit/activity?_queryId=query-all'), 400);
  });
});

describe("audit/activity with the project's audit.json (watchedFields, passwordFields)", () => {
  let watched: TestConcord;

  beforeAll(async () => {
    const projectDir = tempProjectDir();
    writeFileSync(
      join(projectDir, 'config', 'audit.json'),
      JSON.stringify({
        auditServiceConfig: { handlerForQueries: 'repo' },
        eventTopics: { activity: { watchedFields: ['mail'], passwordFields: ['password'] } },
      }),
    );
    watched = await startConcord({ repo: 'postgres', projectDir });
  });
  afterAll(async () => {
    await watched?.destroy();
  });

  it('names only the watched and password fields that changed, as OpenIDM does', async () => {
    const created = await watched.admin('post', '/openidm/managed/user?_action=create').send(ADA);
    expect(created.status).toBe(201);
    const id = String(created.body._id);
    const edits = [
      [{ operation: 'replace', field: '/sn', value: 'King' }],
      [{ operation: 'replace', field: '/mail', value: 'countess@example.com' }],
      [{ operation: 'replace', field: '/password', value: NEW_PASSWORD }],
    ];
    for (const edit of edits) {
      expect((await watched.admin('patch', `/openidm/managed/user/${id}`).send(edit)).status).toBe(200);
    }

    const res = await watched
      .admin('get', '/openidm/audit/activity')
      .query({ _queryFilter: `objectId eq "managed/user/${id}"`, _sortKeys: 'timestamp' });

    const events = (res.body as { result: Event[] }).result;
    expect(events.map((e) => [e.operation, e.changedFields, e.passwordChanged])).toEqual([
      ['CREATE', ['/mail', '/password'], true],
      ['PATCH', [], false],
      ['PATCH', ['/mail'], false],
      ['PATCH', ['/password'], true],
    ]);
  });
});
