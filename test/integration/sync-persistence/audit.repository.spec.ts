import { evaluateFilter } from '../../../src/core/query-filter/query-filter.evaluator';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';
import { AuditRepository } from '../../../src/persistence/audit.repository';
import type { AuditEvent } from '../../../src/sync/ports/audit.store';
import { crestQuery, errorCode, openTestDatabase, REPO_KINDS, type TestDatabase } from './test-database';

const TRANSACTION = '3b1b2f0e-7d0e-4a53-9c57-1f6f1d3c0a11';

/** A recon audit entry as §9 describes it, the n-th of its transaction. */
function reconEvent(n: number, reconId: string, overrides: Record<string, unknown> = {}): AuditEvent {
  return {
    _id: `${TRANSACTION}-${n}`,
    transactionId: reconId,
    timestamp: new Date(Date.UTC(2025, 10, 30, 10, 0, 0, n)).toISOString(),
    eventName: 'recon',
    userId: 'openidm-admin',
    trackingIds: [],
    entryType: 'entry',
    reconId,
    reconAction: null,
    mapping: 'systemLdapAccounts_managedUser',
    linkQualifier: 'default',
    situation: n % 2 === 0 ? 'ABSENT' : 'CONFIRMED',
    action: n % 2 === 0 ? 'CREATE' : 'UPDATE',
    sourceObjectId: `system/ldap/account/uid=user${n}`,
    targetObjectId: `managed/user/m${n}`,
    reconciling: 'source',
    ambiguousTargetObjectIds: '',
    status: 'SUCCESS',
    message: null,
    messageDetail: null,
    exception: null,
    ...overrides,
  };
}

describe.each(REPO_KINDS)('AuditRepository on %s', (kind) => {
  let database: TestDatabase;
  let repo: AuditRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    repo = new AuditRepository(database.db);
    const events = Array.from({ length: 1_500 }, (_, n) => reconEvent(n, 'recon-1'));
    events.push(
      reconEvent(5_000, 'recon-1', {
        entryType: 'summary',
        situation: null,
        action: null,
        message: 'ABSENT: 750 CONFIRMED: 750 ',
        messageDetail: { _id: 'recon-1', state: 'SUCCESS' },
      }),
    );
    await repo.append('recon', events);
    await repo.append('recon', [
      reconEvent(6_000, 'recon-2'),
      reconEvent(6_001, 'recon-2', { status: 'FAILURE' }),
    ]);
    await repo.append('sync', [
      {
        _id: `${TRANSACTION}-0`,
        timestamp: '2025-11-30T11:00:00.000Z',
        eventName: 'sync',
        situation: 'CONFIRMED',
      },
    ]);
  });

  afterAll(async () => {
    await database.destroy();
  });

  /** Each filter, within `scope`, answers what the in-memory evaluator answers over `events`. */
  async function expectAsEvaluator(
    topic: 'activity' | 'sync',
    events: readonly AuditEvent[],
    filters: readonly string[],
    scope = 'true',
  ): Promise<void> {
    for (const filter of filters) {
      const scoped = `${scope} and (${filter})`;
      const page = await repo.query(topic, crestQuery({ _queryFilter: scoped }));
      const expected = events
        .filter((event) => evaluateFilter(parseQueryFilter(scoped), event))
        .map((e) => e._id);
      expect({ filter, ids: page.objects.map((o) => o.id) }).toEqual({ filter, ids: expected });
    }
  }

  it('reads an event back by topic and _id, exactly as appended', async () => {
    expect(await repo.read('recon', `${TRANSACTION}-3`)).toEqual(reconEvent(3, 'recon-1'));
    expect(await repo.read('sync', `${TRANSACTION}-0`)).toEqual({
      _id: `${TRANSACTION}-0`,
      timestamp: '2025-11-30T11:00:00.000Z',
      eventName: 'sync',
      situation: 'CONFIRMED',
    });
    expect(await repo.read('activity', `${TRANSACTION}-0`)).toBeNull();
    expect(await repo.read('recon', 'no-such-event')).toBeNull();
  });

  it.each([
    ['reconId eq "recon-1" and entryType eq "summary"', 1],
    ['reconId eq "recon-1"', 1_501],
    ['reconId eq "recon-2" and status eq "FAILURE"', 1],
    ['reconId sw "recon-"', 1_503],
    ['!(reconId eq "recon-1")', 2],
    ['situation eq "ABSENT" and reconId eq "recon-1"', 750],
    // 500 entries from the 1,000th millisecond on, the summary at 10:00:05 and recon-2's two events at 10:00:06.
    ['timestamp ge "2025-11-30T10:00:01.000Z"', 503],
    ['timestamp gt "2025-11-30T10:00:01.000Z" and timestamp lt "2025-11-30T10:00:01.100Z"', 99],
    ['sourceObjectId eq "system/ldap/account/uid=user42"', 1],
    ['messageDetail/state eq "SUCCESS"', 1],
    ['true', 1_503],
  ])('queries the recon topic with %s', async (filter, count) => {
    const page = await repo.query(
      'recon',
      crestQuery({ _queryFilter: filter, _totalPagedResultsPolicy: 'EXACT' }),
    );
    expect(page.objects).toHaveLength(count);
    expect(page.total).toBe(count);
  });

  it('answers exactly as the in-memory filter evaluator, also where reconId is missing or null', async () => {
    const odd: AuditEvent[] = [
      { _id: 'odd-1', timestamp: '2025-11-30T12:00:00.000Z', eventName: 'activity' },
      { _id: 'odd-2', timestamp: '2025-11-30T12:00:01.000Z', eventName: 'activity', reconId: null },
      { _id: 'odd-3', timestamp: '2025-11-30T12:00:02.000Z', eventName: 'activity', reconId: 'r-b' },
      { _id: 'odd-4', timestamp: '2025-11-30T12:00:03.000Z', eventName: 'activity', reconId: 'r-a' },
    ];
    await repo.append('activity', odd);
    await expectAsEvaluator('activity', odd, [
      'reconId eq "r-a"',
      '!(reconId eq "r-a")',
      'reconId eq 42',
      'reconId eq "r-b" or reconId eq "r-a"',
      'reconId pr',
      '!(reconId pr)',
      'reconId sw "r-"',
      'reconId gt "r-0"',
      'timestamp le "2025-11-30T12:00:01.000Z"',
      '!(timestamp co ":01.")',
    ]);
  });

  it('keeps topics apart', async () => {
    const sync = await repo.query('sync', crestQuery({ _queryFilter: 'true' }));
    expect(sync.objects.map((o) => o.id)).toEqual([`${TRANSACTION}-0`]);
    expect((await repo.query('activity', crestQuery({ _queryFilter: 'true' }))).objects).toHaveLength(4);
  });

  it('answers as the in-memory filter evaluator where a batch stored its shared members once', async () => {
    const mixed: AuditEvent[] = Array.from({ length: 20 }, (_, n) => ({
      _id: `mix-${String(n).padStart(2, '0')}`,
      timestamp: `2025-11-30T13:00:${String(n).padStart(2, '0')}.000Z`,
      eventName: 'sync',
      transactionId: 't-mix',
      mapping: 'managedUser_systemLdapAccounts',
      trackingIds: [],
      status: n % 5 === 0 ? 'FAILURE' : 'SUCCESS',
      sourceObjectId: `managed/user/u${n}`,
      ...(n % 3 === 0 ? { message: null } : { message: `note ${n}` }),
      ...(n % 4 === 0 ? { messageDetail: { code: n, tags: ['a', `t${n}`] } } : {}),
    }));
    await repo.append('sync', mixed);
    await expectAsEvaluator(
      'sync',
      mixed,
      [
        'mapping eq "managedUser_systemLdapAccounts"',
        '!(mapping eq "managedUser_systemLdapAccounts")',
        'status eq "FAILURE"',
        'sourceObjectId eq "managed/user/u7"',
        'sourceObjectId sw "managed/user/u1"',
        'message pr',
        '!(message pr)',
        'message co "1"',
        'messageDetail/code gt 5',
        'messageDetail/tags eq "t8"',
        '!(messageDetail pr)',
        'trackingIds pr',
        'exception pr',
        '!(exception pr)',
        'status eq "FAILURE" or messageDetail/code eq 4',
      ],
      'transactionId eq "t-mix"',
    );
    // A batch of sync events is one pack: no row of its own, its shared members once.
    expect(
      await database.db.query(`SELECT id FROM audit_events WHERE topic = 'sync' AND id = 'mix-07'`),
    ).toEqual([]);
    const packs = await database.db.query<{ recon_id: string | null; shared: Record<string, unknown> }>(
      `SELECT recon_id, shared FROM audit_event_packs WHERE topic = 'sync' AND 'mix-07' = ANY(ids)`,
    );
    expect(packs).toEqual([
      { recon_id: null, shared: expect.objectContaining({ transactionId: 't-mix', eventName: 'sync' }) },
    ]);
  });

  it('packs a batch of activity events of one run under that run, and reads each back whole', async () => {
    const nasty = 'tab\there\nnew line\\N "quoted" Émile 数据 😀';
    const batch: AuditEvent[] = Array.from({ length: 12 }, (_, n) => ({
      _id: `act-run-${String(n).padStart(2, '0')}${n === 3 ? ` ${nasty}` : ''}`,
      timestamp: `2025-11-30T14:00:${String(n).padStart(2, '0')}.000Z`,
      eventName: 'activity',
      reconId: 'run-a',
      operation: 'CREATE',
      objectId: `managed/user/${n === 5 ? nasty : `u${n}`}`,
      after: { userName: `u${n}`, tags: [n] },
    }));
    await repo.append('activity', batch);
    const [pack] = await database.db.query<{ recon_id: string; n: number }>(
      `SELECT recon_id, cardinality(ids) AS n FROM audit_event_packs WHERE topic = 'activity' AND 'act-run-00' = ANY(ids)`,
    );
    expect(pack).toEqual({ recon_id: 'run-a', n: 12 });
    for (const event of [batch[0], batch[3], batch[5]] as AuditEvent[])
      expect(await repo.read('activity', event._id)).toEqual(event);
    expect(await repo.read('sync', batch[0]?._id as string)).toBeNull();
    await expectAsEvaluator(
      'activity',
      batch,
      [
        'reconId eq "run-a"',
        'objectId eq "managed/user/u7"',
        `objectId co "数据"`,
        'after/tags eq 4',
        'timestamp ge "2025-11-30T14:00:10.000Z"',
      ],
      'reconId eq "run-a"',
    );
  });

  it('keeps a batch of events of different runs as rows, each under its own', async () => {
    const batch: AuditEvent[] = Array.from({ length: 10 }, (_, n) => ({
      _id: `act-mixed-${n}`,
      timestamp: '2025-11-30T15:00:00.000Z',
      eventName: 'activity',
      ...(n < 5 ? { reconId: `run-${n % 2 ? 'b' : 'c'}` } : {}),
    }));
    await repo.append('activity', batch);
    const rows = await database.db.query<{ id: string; recon_id: string | null }>(
      `SELECT id, recon_id FROM audit_events WHERE topic = 'activity' AND id LIKE 'act-mixed-%' ORDER BY id`,
    );
    expect(rows.map((row) => row.recon_id)).toEqual([
      'run-c',
      'run-b',
      'run-c',
      'run-b',
      'run-c',
      ...Array(5).fill(null),
    ]);
    await expectAsEvaluator('activity', batch, ['reconId eq "run-b"', '!(reconId pr)'], 'id sw "act-mixed-"');
  });

  it('sorts by _sortKeys and pages with cookies', async () => {
    const request = { _queryFilter: 'reconId eq "recon-1"', _sortKeys: '-timestamp', _pageSize: '400' };
    const timestamps: string[] = [];
    let cookie: string | null = null;
    do {
      const page = await repo.query(
        'recon',
        crestQuery({ ...request, ...(cookie ? { _pagedResultsCookie: cookie } : {}) }),
      );
      timestamps.push(...page.objects.map((o) => o.doc.timestamp as string));
      cookie = page.nextCookie;
    } while (cookie);
    expect(timestamps).toHaveLength(1_501);
    expect(timestamps).toEqual([...timestamps].sort().reverse());
    expect(timestamps[0]).toBe(reconEvent(5_000, 'recon-1').timestamp);
  });

  it('stores the members a batch of events shares once, beside each event’s own', async () => {
    const rows = await database.db.query<{ doc: Record<string, unknown>; common_id: string | null }>(
      `SELECT doc, common_id FROM audit_events WHERE topic = 'recon' AND recon_id = 'recon-1'`,
    );
    expect(rows).toHaveLength(1_501);
    const commonIds = new Set(rows.map((row) => row.common_id));
    // Two statements of at most 1,000 events, one shared row each.
    expect(commonIds.size).toBe(2);
    expect(rows.every((row) => !('mapping' in row.doc) && 'sourceObjectId' in row.doc)).toBe(true);
    const few = await database.db.query<{ common_id: string | null }>(
      `SELECT common_id FROM audit_events WHERE topic = 'recon' AND recon_id = 'recon-2'`,
    );
    expect(few.map((row) => row.common_id)).toEqual([null, null]);
  });

  it('files a batch that shares its timestamp under that timestamp', async () => {
    const at = '2025-12-01T08:00:00.000Z';
    const events = Array.from({ length: 12 }, (_, n) => reconEvent(30_000 + n, 'recon-6', { timestamp: at }));
    await repo.append('recon', events);
    const page = await repo.query('recon', crestQuery({ _queryFilter: `timestamp eq "${at}"` }));
    expect(page.objects.map((o) => o.id).sort()).toEqual(events.map((event) => event._id).sort());
    expect(await repo.read('recon', events[4]?._id as string)).toEqual(events[4]);
  });

  it('refuses an event whose _id exists in the topic with CONFLICT, writing none of the batch', async () => {
    const batch = [
      ...Array.from({ length: 1_200 }, (_, n) => reconEvent(10_000 + n, 'recon-3')),
      reconEvent(3, 'recon-3'),
    ];
    const commons = 'SELECT count(*)::int AS n FROM audit_event_commons';
    const [before] = await database.db.query<{ n: number }>(commons);
    expect(await errorCode(repo.append('recon', batch))).toBe('CONFLICT');
    const page = await repo.query('recon', crestQuery({ _queryFilter: 'reconId eq "recon-3"' }));
    expect(page.objects).toEqual([]);
    expect(await database.db.query<{ n: number }>(commons)).toEqual([before]);
  });

  it('keeps tabs, newlines, backslashes, quotes and non-ASCII exactly, in ids and in values', async () => {
    const nasty = 'tab\there\nnew line\r\\N back\\slash "quoted" Émile 数据 😀';
    const events = [
      reconEvent(20_000, 'recon-4', { message: nasty, sourceObjectId: `system/ldap/account/${nasty}` }),
      reconEvent(20_001, 'recon-4', { _id: `id with ${nasty}`, messageDetail: { nasty, list: [nasty] } }),
    ];
    await repo.append('recon', events);
    for (const event of events) expect(await repo.read('recon', event._id)).toEqual(event);
    const page = await repo.query('recon', crestQuery({ _queryFilter: 'reconId eq "recon-4"' }));
    expect(page.objects.map((o) => o.id).sort()).toEqual(events.map((event) => event._id).sort());
  });

  it('refuses NUL in an event with BAD_REQUEST, writing none of the batch', async () => {
    const batch = [reconEvent(21_000, 'recon-5'), reconEvent(21_001, 'recon-5', { message: 'a\u0000b' })];
    expect(await errorCode(repo.append('recon', batch))).toBe('BAD_REQUEST');
    expect(await repo.read('recon', batch[0]?._id as string)).toBeNull();
  });

  it('appends in the caller transaction', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await repo.append(
          'activity',
          [{ _id: 'a-1', timestamp: '2025-11-30T12:00:00.000Z', eventName: 'activity' }],
          tx,
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.read('activity', 'a-1')).toBeNull();
  });

  it.each([
    ['a timestamp that is not a string', { timestamp: 42 }],
    ['a reconId that is not a string', { reconId: ['r-a', 'r-b'] }],
    ['no _id', { _id: undefined }],
  ])('refuses an event with %s (BAD_REQUEST), as filters rely on those columns', async (_, overrides) => {
    const event = { _id: 'bad-1', timestamp: '2025-11-30T12:00:00.000Z', eventName: 'sync', ...overrides };
    expect(await errorCode(repo.append('sync', [event as AuditEvent]))).toBe('BAD_REQUEST');
    expect(await repo.read('sync', 'bad-1')).toBeNull();
  });
});
