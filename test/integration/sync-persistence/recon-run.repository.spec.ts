import { AuditRepository } from '../../../src/persistence/audit.repository';
import { ReconRunRepository } from '../../../src/persistence/recon-run.repository';
import type {
  AgreedEntries,
  ReconEntryEvent,
  ReconEntryRecord,
  ReconRunRecord,
  ReconSummary,
} from '../../../src/sync/ports/recon-run.store';
import { crestQuery, errorCode, openTestDatabase, REPO_KINDS, type TestDatabase } from './test-database';

let runCounter = 0;

/** A run as the engine creates it: ACTIVE, summary per §4.3 (abridged), this node's heartbeat. */
function newRun(overrides: Partial<ReconRunRecord> = {}): ReconRunRecord {
  runCounter += 1;
  const id = `9f4260b6-553d-492d-aaa5-ae3c63bd90f0-${runCounter}`;
  return {
    id,
    mapping: 'systemLdapAccounts_managedUser',
    nodeId: 'node-a',
    cancelRequested: false,
    heartbeatAt: '2025-11-30T10:00:00.000Z',
    summary: summary(id, 'ACTIVE', 'ACTIVE_QUERY_ENTRIES'),
    ...overrides,
  };
}

function summary(
  id: string,
  state: string,
  stage: string,
  extra: Record<string, unknown> = {},
): ReconSummary {
  return {
    _id: id,
    mapping: 'systemLdapAccounts_managedUser',
    state,
    stage,
    progress: { source: { existing: { processed: 0, total: '?' } } },
    situationSummary: { CONFIRMED: 0, ABSENT: 0 },
    started: '2025-11-30T10:00:00.000Z',
    ended: '',
    ...extra,
  };
}

const SITUATIONS = ['ABSENT', 'CONFIRMED', 'FOUND', 'MISSING'] as const;

function entry(reconId: string, i: number, overrides: Partial<ReconEntryRecord> = {}): ReconEntryRecord {
  const situation = SITUATIONS[i % SITUATIONS.length] ?? 'ABSENT';
  return {
    reconId,
    phase: 'source',
    linkQualifier: 'default',
    situation,
    action: situation === 'ABSENT' ? 'CREATE' : 'UPDATE',
    status: i % 5 === 3 ? 'FAILURE' : 'SUCCESS',
    sourceObjectId: `system/ldap/account/uid=user${i}`,
    targetObjectId: situation === 'ABSENT' ? null : `managed/user/m${i}`,
    ambiguousTargetObjectIds: [],
    message: i % 5 === 3 ? 'script failed' : null,
    diff: situation === 'ABSENT' ? [{ field: 'mail', after: `user${i}@example.com` }] : null,
    ...overrides,
  };
}

/**
 * The entry as the engine writes it: its `audit/recon` event, with the diff and the qualified ambiguous ids
 * beside it; `n` is the event counter (zero-padded, as the runner makes it).
 */
function written(record: ReconEntryRecord, n: number): ReconEntryEvent {
  return {
    _id: `${record.reconId}-${String(n).padStart(10, '0')}`,
    timestamp: '2025-11-30T10:00:00.000Z',
    eventName: 'recon',
    transactionId: record.reconId,
    userId: 'openidm-admin',
    trackingIds: [],
    reconId: record.reconId,
    mapping: 'systemLdapAccounts_managedUser',
    entryType: 'entry',
    linkQualifier: record.linkQualifier,
    situation: record.situation === '' ? null : record.situation,
    action: record.action === '' ? null : record.action,
    sourceObjectId: record.sourceObjectId,
    targetObjectId: record.targetObjectId,
    reconciling: record.phase,
    ambiguousTargetObjectIds: record.ambiguousTargetObjectIds.map((id) => id.split('/').pop()).join(', '),
    status: record.status,
    message: record.message,
    messageDetail: null,
    exception: null,
    entryDiff: record.diff,
    entryAmbiguousTargets: record.ambiguousTargetObjectIds,
  };
}

const writtenEach = (records: readonly ReconEntryRecord[]): ReconEntryEvent[] =>
  records.map((record, n) => written(record, n + 1));

describe.each(REPO_KINDS)('ReconRunRepository on %s', (kind) => {
  let database: TestDatabase;
  let repo: ReconRunRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    repo = new ReconRunRepository(database.db);
  });

  afterAll(async () => {
    await database.destroy();
  });

  it('stores a run and gives it back as created; a second run with the same id is a CONFLICT', async () => {
    const run = newRun();
    await repo.create(run);
    expect(await repo.get(run.id)).toEqual(run);
    expect(await repo.get('no-such-run')).toBeNull();
    expect(await errorCode(repo.create(run))).toBe('CONFLICT');
  });

  it('saves the latest summary and state and moves the heartbeat on; an unknown run is NOT_FOUND', async () => {
    const run = newRun();
    await repo.create(run);
    const done = summary(run.id, 'SUCCESS', 'COMPLETED_SUCCESS', {
      situationSummary: { CONFIRMED: 0, ABSENT: 2 },
      statusSummary: { SUCCESS: 2, FAILURE: 0 },
      ended: '2025-11-30T10:00:01.000Z',
      duration: 1000,
    });
    await repo.saveSummary(run.id, done);
    const saved = await repo.get(run.id);
    expect(saved?.summary).toEqual(done);
    expect(Date.parse(saved?.heartbeatAt ?? '')).toBeGreaterThan(Date.parse(run.heartbeatAt));
    expect(saved?.heartbeatAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await errorCode(repo.saveSummary('no-such-run', done))).toBe('NOT_FOUND');
  });

  it('records a cancel request on a known run only', async () => {
    const run = newRun();
    await repo.create(run);
    expect(await repo.requestCancel(run.id)).toBe(true);
    expect((await repo.get(run.id))?.cancelRequested).toBe(true);
    expect(await repo.requestCancel('no-such-run')).toBe(false);
  });

  it('lists the most recent runs, oldest first', async () => {
    const before = (await repo.list(1_000)).length;
    const runs = [newRun(), newRun(), newRun()];
    for (const run of runs) await repo.create(run);
    const all = await repo.list(1_000);
    expect(all).toHaveLength(before + 3);
    expect(all.slice(-3).map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect((await repo.list(2)).map((r) => r.id)).toEqual([runs[1]?.id, runs[2]?.id]);
    expect(await repo.list(0)).toEqual([]);
  });

  it('reports only runs still ACTIVE (crash recovery), whichever node owns them', async () => {
    const finished = newRun();
    const mine = newRun();
    const other = newRun({ nodeId: 'node-b' });
    for (const run of [finished, mine, other]) await repo.create(run);
    await repo.saveSummary(finished.id, summary(finished.id, 'SUCCESS', 'COMPLETED_SUCCESS'));
    const active = (await repo.activeRuns()).map((r) => r.id);
    expect(active).toEqual(expect.arrayContaining([mine.id, other.id]));
    expect(active).not.toContain(finished.id);
    expect((await repo.activeRuns()).find((r) => r.id === other.id)?.nodeId).toBe('node-b');
  });

  it('keeps runs and their entries across a restart', async () => {
    const run = newRun();
    await repo.create(run);
    await repo.appendEntries([written(entry(run.id, 0), 1)]);
    repo = new ReconRunRepository(await database.reopen());
    expect(await repo.get(run.id)).toEqual(run);
    expect((await repo.activeRuns()).map((r) => r.id)).toContain(run.id);
    const entries = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'true' }));
    expect(entries.objects.map((o) => o.doc)).toEqual([entry(run.id, 0)]);
  });

  it("keeps an entry's diff and ambiguous targets beside its audit event, served as written", async () => {
    const run = newRun();
    await repo.create(run);
    const ambiguous = entry(run.id, 2, {
      situation: 'AMBIGUOUS',
      action: '',
      targetObjectId: null,
      ambiguousTargetObjectIds: ['managed/user/m1', 'managed/user/m2'],
      message: null,
    });
    const unchanged = entry(run.id, 1, { diff: [] });
    const records = [entry(run.id, 0), ambiguous, unchanged, entry(run.id, 5)];
    const events = writtenEach(records);
    await repo.appendEntries(events);
    const page = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'true' }));
    expect(page.objects.map((o) => o.doc)).toEqual(records);
    expect(page.objects.map((o) => o.id)).toEqual(events.map((e) => e._id));
    const audit = new AuditRepository(database.db);
    for (const event of events) {
      const { entryDiff: _diff, entryAmbiguousTargets: _ambiguous, ...asAudited } = event;
      expect(await audit.read('recon', event._id)).toEqual(asAudited);
    }
  });

  it('serves each entry of a batch whose entries are all alike as written (sent once for the batch)', async () => {
    const run = newRun();
    await repo.create(run);
    const confirmed = { situation: 'CONFIRMED', action: 'UPDATE', status: 'SUCCESS', message: null } as const;
    const unchanged = Array.from({ length: 12 }, (_, i) => entry(run.id, i, { ...confirmed, diff: [] }));
    const undiffed = Array.from({ length: 12 }, (_, i) =>
      entry(run.id, 12 + i, { ...confirmed, diff: null }),
    );
    const events = writtenEach([...unchanged, ...undiffed]);
    await repo.appendEntries(events.slice(0, 12));
    await repo.appendEntries(events.slice(12));
    const page = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'true' }));
    expect(page.objects.map((o) => o.doc)).toEqual([...unchanged, ...undiffed]);
    const withDiff = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'diff pr' }));
    expect(withDiff.objects.map((o) => o.doc)).toEqual(unchanged);
  });

  it.each([20, 3])(
    'stores %i entries in agreement sent as columns as it stores their events sent whole',
    async (count) => {
      const run = newRun();
      await repo.create(run);
      const confirmed = {
        situation: 'CONFIRMED',
        action: 'UPDATE',
        status: 'SUCCESS',
        message: null,
      } as const;
      // The second source id holds what JSON must escape (quote, backslash, control characters) and an emoji.
      const records = Array.from({ length: count }, (_, i) =>
        entry(run.id, i, {
          ...confirmed,
          diff: [],
          targetObjectId: `managed/user/m${i}`,
          ...(i === 1 ? { sourceObjectId: 'system/ldap/account/cn="Doe\\, J",\n\tou=😀' } : {}),
        }),
      );
      const events = writtenEach(records).map((event, i): ReconEntryEvent => ({
        ...event,
        timestamp: `2025-11-30T10:00:00.00${i % 3}Z`,
      }));
      const bare = (id: unknown, set: string): string => String(id).slice(set.length + 1);
      const batch: AgreedEntries = {
        first: events[0] as ReconEntryEvent,
        ids: events.map((event) => event._id),
        timestamps: events.map((event) => event.timestamp),
        sourceIds: events.map((event) => bare(event['sourceObjectId'], 'system/ldap/account')),
        targetIds: events.map((event) => bare(event['targetObjectId'], 'managed/user')),
        sourceSet: 'system/ldap/account',
        targetSet: 'managed/user',
      };
      await repo.appendAgreed(batch);
      const page = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'true' }));
      expect(page.objects.map((o) => o.doc)).toEqual(records);
      expect(page.objects.map((o) => o.id)).toEqual(batch.ids);
      const one = await repo.queryEntries(
        run.id,
        crestQuery({ _queryFilter: 'sourceObjectId eq "system/ldap/account/uid=user2"' }),
      );
      expect(one.objects.map((o) => o.doc)).toEqual([records[2]]);
      const audit = new AuditRepository(database.db);
      for (const event of events) {
        const { entryDiff: _diff, entryAmbiguousTargets: _ambiguous, ...asAudited } = event;
        expect(await audit.read('recon', event._id)).toEqual(asAudited);
      }
    },
  );

  it('writes no entry in agreement of an unknown run', async () => {
    const events = writtenEach(
      Array.from({ length: 10 }, (_, i) => entry('no-such-run', i, { situation: 'CONFIRMED', diff: [] })),
    );
    const batch: AgreedEntries = {
      first: events[0] as ReconEntryEvent,
      ids: events.map((event) => event._id),
      timestamps: events.map((event) => event.timestamp),
      sourceIds: events.map((_, i) => `uid=user${i}`),
      targetIds: events.map((_, i) => `m${i}`),
      sourceSet: 'system/ldap/account',
      targetSet: 'managed/user',
    };
    expect(await errorCode(repo.appendAgreed(batch))).toBe('NOT_FOUND');
    const audit = new AuditRepository(database.db);
    expect(await audit.read('recon', events[0]?._id as string)).toBeNull();
  });

  it('still serves the entries of a run recorded before entries moved into the audit rows', async () => {
    const run = newRun();
    await repo.create(run);
    const records = [entry(run.id, 0), entry(run.id, 1)];
    for (const record of records) {
      await database.db.query('INSERT INTO recon_entries (recon_id, doc) VALUES ($1, $2::jsonb)', [
        run.id,
        JSON.stringify(record),
      ]);
    }
    const page = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'situation eq "CONFIRMED"' }));
    expect(page.objects.map((o) => o.doc)).toEqual([records[1]]);
    expect(page.objects[0]?.id).toMatch(/^\d{19}$/);
  });

  describe('entries', () => {
    const run = newRun();
    const other = newRun();

    beforeAll(async () => {
      await repo.create(run);
      await repo.create(other);
      await repo.appendEntries(writtenEach(Array.from({ length: 2_500 }, (_, i) => entry(run.id, i))));
      await repo.appendEntries(writtenEach([entry(other.id, 0), entry(other.id, 1)]));
    });

    it('gives back every entry of the run, as appended, in insertion order', async () => {
      const page = await repo.queryEntries(run.id, crestQuery({ _queryFilter: 'true' }));
      expect(page.objects).toHaveLength(2_500);
      expect(page.objects[0]?.doc).toEqual(entry(run.id, 0));
      expect(page.objects.map((o) => o.doc.sourceObjectId)).toEqual(
        Array.from({ length: 2_500 }, (_, i) => `system/ldap/account/uid=user${i}`),
      );
      expect(page.nextCookie).toBeNull();
    });

    it.each([
      ['situation eq "ABSENT"', 625],
      ['situation eq "ABSENT" and status eq "FAILURE"', 125],
      ['status eq "FAILURE" and !(situation eq "ABSENT")', 375],
      ['targetObjectId pr', 1_875],
      ['sourceObjectId eq "system/ldap/account/uid=user7"', 1],
      ['diff/field eq "mail"', 625],
      ['phase eq "target"', 0],
    ])('filters with %s', async (filter, count) => {
      const page = await repo.queryEntries(
        run.id,
        crestQuery({ _queryFilter: filter, _totalPagedResultsPolicy: 'EXACT' }),
      );
      expect(page.objects).toHaveLength(count);
      expect(page.total).toBe(count);
    });

    it('pages with cookies, no entry twice or missing, and stays within the run', async () => {
      const seen: unknown[] = [];
      let cookie: string | null | undefined;
      let pages = 0;
      do {
        const page = await repo.queryEntries(
          run.id,
          crestQuery({
            _queryFilter: 'situation eq "CONFIRMED"',
            _pageSize: '100',
            ...(cookie ? { _pagedResultsCookie: cookie } : {}),
          }),
        );
        seen.push(...page.objects.map((o) => o.doc.sourceObjectId));
        cookie = page.nextCookie;
        pages += 1;
      } while (cookie);
      expect(pages).toBe(7);
      expect(seen).toHaveLength(625);
      expect(new Set(seen).size).toBe(625);
      const otherEntries = await repo.queryEntries(other.id, crestQuery({ _queryFilter: 'true' }));
      expect(otherEntries.objects).toHaveLength(2);
    });

    it('sorts by _sortKeys and pages from an offset', async () => {
      const page = await repo.queryEntries(
        run.id,
        crestQuery({
          _queryFilter: 'true',
          _sortKeys: '-situation',
          _pageSize: '3',
          _pagedResultsOffset: '1',
        }),
      );
      expect(page.objects.map((o) => [o.doc.situation, o.doc.sourceObjectId])).toEqual([
        ['MISSING', 'system/ldap/account/uid=user7'],
        ['MISSING', 'system/ldap/account/uid=user11'],
        ['MISSING', 'system/ldap/account/uid=user15'],
      ]);
    });

    it('serves each packed entry through audit/recon as its event, read by _id or queried', async () => {
      const audit = new AuditRepository(database.db);
      const events = writtenEach(Array.from({ length: 2_500 }, (_, i) => entry(run.id, i)));
      const asAudited = (event: ReconEntryEvent): Record<string, unknown> => {
        const { entryDiff: _diff, entryAmbiguousTargets: _ambiguous, ...rest } = event;
        return rest;
      };
      for (const n of [0, 999, 1_000, 1_733, 2_499]) {
        const event = events[n] as ReconEntryEvent;
        expect(await audit.read('recon', event._id)).toEqual(asAudited(event));
      }
      expect(await audit.read('recon', `${run.id}-${'0'.repeat(9)}`)).toBeNull();
      expect(await audit.read('activity', (events[5] as ReconEntryEvent)._id)).toBeNull();
      const query = async (filter: string): Promise<Record<string, unknown>[]> =>
        (await audit.query('recon', crestQuery({ _queryFilter: filter, _sortKeys: '_id' }))).objects.map(
          (o) => ({ _id: o.id, ...o.doc }),
        );
      const ofRun = `reconId eq "${run.id}"`;
      expect(await query(ofRun)).toEqual(events.map(asAudited));
      expect(await query(`${ofRun} and situation eq "FOUND" and status eq "FAILURE"`)).toEqual(
        events.filter((_, i) => i % 4 === 2 && i % 5 === 3).map(asAudited),
      );
      expect(await query('sourceObjectId eq "system/ldap/account/uid=user1234"')).toEqual([
        asAudited(events[1_234] as ReconEntryEvent),
      ]);
      expect(await query(`_id eq "${(events[42] as ReconEntryEvent)._id}"`)).toEqual([
        asAudited(events[42] as ReconEntryEvent),
      ]);
      const counted = await audit.query(
        'recon',
        crestQuery({
          _queryFilter: `${ofRun} and timestamp sw "2025-11-30"`,
          _totalPagedResultsPolicy: 'EXACT',
          _pageSize: '10',
        }),
      );
      expect(counted.total).toBe(2_500);
      expect(counted.objects).toHaveLength(10);
    });

    it("finds packed events by their own timestamps, sorted and filtered like any event's", async () => {
      const timed = newRun();
      await repo.create(timed);
      const events = writtenEach(Array.from({ length: 30 }, (_, i) => entry(timed.id, i))).map(
        (event, i) => ({
          ...event,
          timestamp: `2025-12-01T10:00:${String(59 - i).padStart(2, '0')}.000Z`,
        }),
      );
      await repo.appendEntries(events);
      const audit = new AuditRepository(database.db);
      const page = await audit.query(
        'recon',
        crestQuery({
          _queryFilter: `reconId eq "${timed.id}" and timestamp ge "2025-12-01T10:00:50"`,
          _sortKeys: 'timestamp',
        }),
      );
      expect(page.objects.map((o) => o.doc['timestamp'])).toEqual(
        Array.from({ length: 10 }, (_, i) => `2025-12-01T10:00:${50 + i}.000Z`),
      );
      expect(page.objects.map((o) => o.id)).toEqual(
        events
          .slice(0, 10)
          .map((e) => e._id)
          .reverse(),
      );
    });

    it('refuses a batch of one unknown run with NOT_FOUND and writes none of it', async () => {
      const batch = writtenEach(Array.from({ length: 20 }, (_, i) => entry('no-such-run', i)));
      expect(await errorCode(repo.appendEntries(batch))).toBe('NOT_FOUND');
      const audit = new AuditRepository(database.db);
      const left = await audit.query('recon', crestQuery({ _queryFilter: 'reconId eq "no-such-run"' }));
      expect(left.objects).toEqual([]);
    });

    it('refuses entries of an unknown run with NOT_FOUND and writes none of them', async () => {
      const batch = [written(entry(run.id, 9_000), 9_001), written(entry('no-such-run', 0), 1)];
      expect(await errorCode(repo.appendEntries(batch))).toBe('NOT_FOUND');
      const page = await repo.queryEntries(
        run.id,
        crestQuery({ _queryFilter: 'sourceObjectId eq "system/ldap/account/uid=user9000"' }),
      );
      expect(page.objects).toEqual([]);
    });
  });
});
