import { addDuration, emptyDurationStats } from '../../../src/core/sync/duration-stats';
import { applyReconOverrides, showReconQuery, toReconQuery } from '../../../src/core/sync/recon-overrides';
import { stateOfStage } from '../../../src/core/sync/recon-stage';
import {
  countOperation,
  newReconCounters,
  reconSummaryJson,
  type CountedOperation,
} from '../../../src/core/sync/recon-summary';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import { forEachConcurrently } from '../../../src/sync/async-pool';
import { sampleSyncJson } from '../sync/sample-sync';

const op = (more: Partial<CountedOperation>): CountedOperation => ({
  situation: 'CONFIRMED',
  action: 'UPDATE',
  status: 'SUCCESS',
  hadSourceId: true,
  targetId: 't1',
  linkExisted: true,
  linkCreated: false,
  ...more,
});

describe('recon summary counters (§4.3)', () => {
  it.each([
    ['CONFIRMED UPDATE', op({}), { source: 1, targetProcessed: 1, created: 0, links: 1, linksCreated: 0 }],
    [
      'ABSENT CREATE',
      op({ situation: 'ABSENT', action: 'CREATE', linkExisted: false, linkCreated: true }),
      { source: 1, targetProcessed: 0, created: 1, links: 0, linksCreated: 1 },
    ],
    [
      'UNASSIGNED in the target phase',
      op({ situation: 'UNASSIGNED', action: 'IGNORE', hadSourceId: false, linkExisted: false }),
      { source: 0, targetProcessed: 1, created: 0, links: 0, linksCreated: 0 },
    ],
    [
      'SOURCE_IGNORED without a target',
      op({ situation: 'SOURCE_IGNORED', action: 'REPORT', targetId: null, linkExisted: false }),
      { source: 1, targetProcessed: 0, created: 0, links: 0, linksCreated: 0 },
    ],
  ])('%s', (_name, operation, expected) => {
    const counters = newReconCounters();
    countOperation(counters, operation);
    expect({
      source: counters.source.processed,
      targetProcessed: counters.target.processed,
      created: counters.target.created,
      links: counters.links.processed,
      linksCreated: counters.links.created,
    }).toEqual(expected);
  });

  it('keeps the 11 situation keys, leaves out LINK_ONLY/ALL_GONE and counts failures without a situation', () => {
    const counters = newReconCounters();
    countOperation(counters, op({ situation: 'ALL_GONE', action: 'NOREPORT' }));
    countOperation(counters, op({ situation: null, action: null, status: 'FAILURE' }));
    expect(Object.keys(counters.situations)).toHaveLength(11);
    expect(Object.values(counters.situations).every((n) => n === 0)).toBe(true);
    expect(counters.status).toEqual({ SUCCESS: 1, FAILURE: 1 });
  });

  it('renders string totals, "?" when unknown, "" as ended and a running duration while active', () => {
    const counters = newReconCounters();
    counters.source.total = 2;
    const stats = emptyDurationStats();
    addDuration(stats, 10);
    addDuration(stats, 30);
    const summary = reconSummaryJson({
      reconId: 'r-1',
      mapping: 'm',
      stage: 'ACTIVE_RECONCILING_SOURCE',
      counters,
      durations: new Map([['sourcePhase', stats]]),
      parameters: {},
      startedAt: Date.UTC(2025, 0, 1),
      endedAt: null,
      now: Date.UTC(2025, 0, 1) + 1500,
    });
    expect(summary).toMatchObject({
      state: 'ACTIVE',
      stageDescription: 'reconciling source entries',
      progress: {
        source: { existing: { processed: 0, total: '2' } },
        target: { existing: { total: '?' }, created: 0 },
      },
      durationSummary: { sourcePhase: { count: 2, sum: 40, min: 10, max: 30, mean: 20, stdDev: 10 } },
      started: '2025-01-01T00:00:00.000Z',
      ended: '',
      duration: 1500,
    });
    expect(stateOfStage('COMPLETED_CANCELED')).toBe('CANCELED');
  });
});

describe('recon request overrides (§1.1)', () => {
  const [mapping] = compileSyncConfig(sampleSyncJson(), 'sync.json');

  it('lets the body replace queries and flags, keys with or without "_"', () => {
    const effective = applyReconOverrides(mapping!, {
      sourceQuery: { queryFilter: 'uid sw "j"' },
      runTargetPhase: false,
    });
    expect(effective.sourceQuery).toEqual({
      resourceName: 'system/ldap/account',
      params: { _queryFilter: 'uid sw "j"' },
    });
    expect(effective.runTargetPhase).toBe(false);
    expect(showReconQuery(toReconQuery({}, 'managed/user'))).toEqual({
      resourceName: 'managed/user',
      queryId: 'query-all-ids',
    });
  });

  it('refuses overrides of the wrong type', () => {
    expect(() => applyReconOverrides(mapping!, { allowEmptySourceSet: 'yes' })).toThrow(/true or false/);
    expect(() => applyReconOverrides(mapping!, { sourceQuery: 'all' })).toThrow(/JSON object/);
  });
});

describe('taskThreads pool', () => {
  it('never has more than the limit in flight and stops pulling when asked', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachConcurrently(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        done.push(i);
      },
      () => done.length >= 10,
    );
    expect(peak).toBe(3);
    expect(done.length).toBeGreaterThanOrEqual(10);
    expect(done.length).toBeLessThan(20);
  });
});
