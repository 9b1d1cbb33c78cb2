import { AuditStore, type AuditEvent } from '../../../src/sync/ports/audit.store';
import { startConcord, type RepoKind, type TestConcord } from '../../support/concord-app';
import { factory } from '../../support/factory';
import { expectCrestError } from '../crest-expect';

const RECON_ID = '9f4260b6-553d-492d-aaa5-ae3c63bd90f0-14';
const MAPPING = 'systemLdapAccounts_managedUser';

/** The recon audit of a two-user run as §9 describes it: start, one entry per user, summary. */
function reconAudit(): AuditEvent[] {
  const base = {
    transactionId: RECON_ID,
    eventName: 'recon',
    userId: 'openidm-admin',
    trackingIds: [],
    reconId: RECON_ID,
    mapping: MAPPING,
    linkQualifier: 'default',
    ambiguousTargetObjectIds: '',
    exception: null,
  };
  const entry = (n: number, uid: string, status: string): AuditEvent => ({
    ...base,
    _id: `${RECON_ID}-${n}`,
    timestamp: `2025-11-30T10:00:00.00${n}Z`,
    entryType: 'entry',
    reconAction: null,
    situation: 'ABSENT',
    action: 'CREATE',
    sourceObjectId: `system/ldap/account/uid=${uid},ou=People,dc=example,dc=com`,
    targetObjectId: `managed/user/m-${uid}`,
    reconciling: 'source',
    status,
    message: status === 'FAILURE' ? 'mail is required' : null,
    messageDetail: null,
  });
  return [
    {
      ...base,
      _id: `${RECON_ID}-0`,
      timestamp: '2025-11-30T10:00:00.000Z',
      entryType: 'start',
      reconAction: 'recon',
      status: 'SUCCESS',
      message: 'Reconciliation initiated by openidm-admin',
    },
    entry(1, 'bjensen', 'SUCCESS'),
    entry(2, 'jdoe', 'FAILURE'),
    {
      ...base,
      _id: `${RECON_ID}-3`,
      timestamp: '2025-11-30T10:00:00.009Z',
      entryType: 'summary',
      reconAction: 'recon',
      status: 'SUCCESS',
      message: 'ABSENT: 2 ',
      messageDetail: { _id: RECON_ID, mapping: MAPPING, state: 'SUCCESS', stage: 'COMPLETED_SUCCESS' },
    },
  ];
}

describe.each<RepoKind>(['postgres', 'embedded'])('audit over HTTP (%s repository)', (repo) => {
  let t: TestConcord;

  beforeAll(async () => {
    t = await startConcord({ repo });
    await t.concord.app.get(AuditStore).append('recon', reconAudit());
    await t.concord.app
      .get(AuditStore)
      .append('sync', [
        { _id: 'sync-1', timestamp: '2025-11-30T11:00:00.000Z', eventName: 'sync', situation: 'CONFIRMED' },
      ]);
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('finds the summary entry of a run with _queryFilter, as GET /openidm/recon/<id> does', async () => {
    const filter = `reconId eq "${RECON_ID}" and entryType eq "summary"`;
    const res = await t.admin('get', '/openidm/audit/recon').query({ _queryFilter: filter });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: [
        expect.objectContaining({ _id: `${RECON_ID}-3`, entryType: 'summary', message: 'ABSENT: 2 ' }),
      ],
      resultCount: 1,
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    });
    expect(res.body.result[0].messageDetail).toEqual({
      _id: RECON_ID,
      mapping: MAPPING,
      state: 'SUCCESS',
      stage: 'COMPLETED_SUCCESS',
    });
  });

  it('lists the failed entries with qualified object ids, projected with _fields', async () => {
    const res = await t.admin('get', '/openidm/audit/recon').query({
      _queryFilter: `reconId eq "${RECON_ID}" and status eq "FAILURE"`,
      _fields: 'sourceObjectId,message',
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual([
      {
        _id: `${RECON_ID}-2`,
        sourceObjectId: 'system/ldap/account/uid=jdoe,ou=People,dc=example,dc=com',
        message: 'mail is required',
      },
    ]);
  });

  it('pages through a topic in _sortKeys order with cookies and counts on request', async () => {
    const first = await t.admin('get', '/openidm/audit/recon').query({
      _queryFilter: 'true',
      _sortKeys: '-timestamp',
      _pageSize: 3,
      _totalPagedResultsPolicy: 'EXACT',
    });
    expect(first.status).toBe(200);
    expect(first.body.result.map((e: AuditEvent) => e.entryType)).toEqual(['summary', 'entry', 'entry']);
    expect(first.body.totalPagedResults).toBe(4);
    const second = await t.admin('get', '/openidm/audit/recon').query({
      _queryFilter: 'true',
      _sortKeys: '-timestamp',
      _pageSize: 3,
      _pagedResultsCookie: first.body.pagedResultsCookie,
    });
    expect(second.body.result.map((e: AuditEvent) => e.entryType)).toEqual(['start']);
    expect(second.body.pagedResultsCookie).toBeNull();
  });

  it('keeps the sync and activity topics apart from recon', async () => {
    const sync = await t.admin('get', '/openidm/audit/sync').query({ _queryFilter: 'true' });
    expect(sync.body.result).toEqual([
      { _id: 'sync-1', timestamp: '2025-11-30T11:00:00.000Z', eventName: 'sync', situation: 'CONFIRMED' },
    ]);
    const activity = await t.admin('get', '/openidm/audit/activity').query({ _queryFilter: 'true' });
    expect(activity.body.result).toEqual([]);
  });

  it('reads one event by id; an unknown id or topic is 404', async () => {
    const res = await t.admin('get', `/openidm/audit/recon/${RECON_ID}-1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(reconAudit()[1]);
    expectCrestError(await t.admin('get', '/openidm/audit/recon/no-such-event'), 404);
    expectCrestError(await t.admin('get', `/openidm/audit/sync/${RECON_ID}-1`), 404);
    expectCrestError(await t.admin('get', '/openidm/audit/nonsense').query({ _queryFilter: 'true' }), 404);
  });

  it.each([
    ['_queryId, which audit does not support', { _queryId: 'query-all-ids' }],
    ['no query at all', {}],
    ['a malformed filter', { _queryFilter: 'reconId eq' }],
  ])('answers 400 to %s', async (_, query) => {
    expectCrestError(await t.admin('get', '/openidm/audit/recon').query(query), 400);
  });

  it('is for administrators only: 401 without credentials, 403 for a managed user', async () => {
    expectCrestError(await t.call('get', '/openidm/audit/recon').query({ _queryFilter: 'true' }), 401);
    const user = factory.managedUser({ password: 'Passw0rd!' });
    expect((await t.admin('post', '/openidm/managed/user?_action=create').send(user)).status).toBe(201);
    const asUser = await t
      .call('get', '/openidm/audit/recon')
      .query({ _queryFilter: 'true' })
      .set({ 'X-OpenIDM-Username': user.userName, 'X-OpenIDM-Password': 'Passw0rd!' });
    expectCrestError(asUser, 403);
  });
});
