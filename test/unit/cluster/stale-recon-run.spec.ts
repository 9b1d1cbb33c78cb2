import {
  failedRunSummary,
  judgeStaleRun,
  type StaleRunFacts,
} from '../../../src/core/cluster/stale-recon-run';
import { SchedulerSettings } from '../../../src/scheduler/scheduler.settings';

const NOW = Date.parse('2026-11-30T08:00:00.000Z');
const policy = { staleAfterMs: 10_000, nodeTimeoutMs: 10_000 };
const ago = (ms: number): number => NOW - ms;

const facts = (overrides: Partial<StaleRunFacts>): StaleRunFacts => ({
  nodeId: 'node-1',
  runHeartbeatMs: ago(30_000),
  node: { state: 'running', heartbeatMs: ago(30_000), stoppedMs: null },
  nowMs: NOW,
  ...overrides,
});

describe('judgeStaleRun: whether another node ends a recon run FAILED', () => {
  it.each<[string, Partial<StaleRunFacts>, string | null]>([
    ['run wrote progress within the threshold, node silent', { runHeartbeatMs: ago(9_000) }, null],
    ['run wrote progress exactly at the threshold', { runHeartbeatMs: ago(10_000) }, null],
    [
      'run silent, its node still heart-beating (a slow writer is its own node’s business)',
      { node: { state: 'running', heartbeatMs: ago(2_000), stoppedMs: null } },
      null,
    ],
    [
      'run silent, node silent past the node timeout',
      { node: { state: 'running', heartbeatMs: ago(25_000), stoppedMs: null } },
      'node node-1 stopped heart-beating at 2026-11-30T07:59:35.000Z',
    ],
    [
      'run silent, node left the cluster',
      { node: { state: 'stopped', heartbeatMs: ago(20_000), stoppedMs: ago(19_000) } },
      'node node-1 left the cluster at 2026-11-30T07:59:41.000Z while the run was active',
    ],
    [
      'run silent, node unknown to the cluster: the run’s own heartbeat is the last sign of life',
      { node: null, runHeartbeatMs: ago(12_000) },
      'node node-1 stopped heart-beating at 2026-11-30T07:59:48.000Z',
    ],
  ])('%s', (_case, overrides, reason) => {
    const verdict = judgeStaleRun(facts(overrides), policy);
    expect(verdict).toEqual(reason === null ? { fail: false } : { fail: true, reason });
  });

  it('uses the node timeout and the run threshold separately', () => {
    const silentNode = { state: 'running' as const, heartbeatMs: ago(6_000), stoppedMs: null };
    const run = facts({ runHeartbeatMs: ago(6_000), node: silentNode });
    expect(judgeStaleRun(run, { staleAfterMs: 5_000, nodeTimeoutMs: 10_000 }).fail).toBe(false);
    expect(judgeStaleRun(run, { staleAfterMs: 5_000, nodeTimeoutMs: 5_000 }).fail).toBe(true);
    expect(judgeStaleRun(run, { staleAfterMs: 10_000, nodeTimeoutMs: 5_000 }).fail).toBe(false);
  });
});

describe('failedRunSummary', () => {
  const active = {
    _id: 'r-1',
    mapping: 'systemLdapAccounts_managedUser',
    state: 'ACTIVE',
    stage: 'ACTIVE_RECONCILING_SOURCE',
    stageDescription: 'reconciling source entries',
    progress: { source: { existing: { processed: 120, total: '3000' } } },
    started: '2026-11-30T07:59:00.000Z',
    ended: '',
    duration: 20_000,
  };

  it('ends the summary FAILED as the owner would, keeping the progress it had reached', () => {
    const ended = failedRunSummary(active, {
      reason: 'node node-1 stopped heart-beating at 2026-11-30T07:59:35.000Z',
      by: 'node-2',
      endedMs: NOW,
    });
    expect(ended).toEqual({
      ...active,
      state: 'FAILED',
      stage: 'COMPLETED_FAILED',
      stageDescription: 'reconciliation failed',
      ended: '2026-11-30T08:00:00.000Z',
      duration: 60_000,
      error: {
        message:
          'node node-1 stopped heart-beating at 2026-11-30T07:59:35.000Z; marked FAILED by node node-2',
      },
    });
  });

  it('keeps the duration it had when the start time is unknown', () => {
    const ended = failedRunSummary({ ...active, started: '' }, { reason: 'r', by: 'n', endedMs: NOW });
    expect(ended.duration).toBe(20_000);
  });
});

describe('CONCORD_RECON_STALE_AFTER_MS', () => {
  const project = {
    boot: { httpPort: 8080, nodeId: 'node-1' },
    projectDir: '/p',
    configDir: '/p/config',
    repo: { kind: 'postgres', url: 'postgres://db/concord', schema: 'public', poolSize: 10 },
  } as unknown as Parameters<typeof SchedulerSettings.forProject>[0];

  it('defaults to the node timeout and takes a positive number of milliseconds', () => {
    const defaults = SchedulerSettings.forProject(project, {});
    expect(defaults.reconStaleAfterMs).toBe(defaults.nodeTimeoutMs);
    expect(
      SchedulerSettings.forProject(project, { CONCORD_RECON_STALE_AFTER_MS: '4000' }).reconStaleAfterMs,
    ).toBe(4000);
  });

  it('refuses anything else with the variable named', () => {
    for (const bad of ['0', '-5', '10s', '1.5']) {
      expect(() => SchedulerSettings.forProject(project, { CONCORD_RECON_STALE_AFTER_MS: bad })).toThrow(
        `CONCORD_RECON_STALE_AFTER_MS: expected a positive number of milliseconds, got "${bad}"`,
      );
    }
  });
});
