import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { decideFire } from '../../../src/core/schedule/fire-decision';
import { parseQuartzCron } from '../../../src/core/schedule/quartz-cron.parser';
import type { Trigger } from '../../../src/core/schedule/schedule-trigger';
import { ClusterNodeRepository } from '../../../src/persistence/cluster-node.repository';
import { ScheduleFireRepository } from '../../../src/persistence/schedule-fire.repository';
import { TypeOrmSqlDatabase } from '../../../src/persistence/typeorm-sql-database';
import type { ClaimRequest } from '../../../src/scheduler/ports/schedule.store';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `sched_${randomBytes(6).toString('hex')}`;
const everySecond: Trigger = { kind: 'cron', cron: parseQuartzCron('* * * * * ?'), timeZone: 'UTC' };

/** Two nodes: each with its own connection pool on the same schema, as two processes would have. */
let dbA: TypeOrmSqlDatabase;
let dbB: TypeOrmSqlDatabase;
let storeA: ScheduleFireRepository;
let storeB: ScheduleFireRepository;

beforeAll(async () => {
  dbA = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 });
  dbB = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 });
  storeA = new ScheduleFireRepository(dbA);
  storeB = new ScheduleFireRepository(dbB);
});

afterAll(async () => {
  await dbA.close();
  await dbB.close();
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function request(
  jobId: string,
  nodeId: string,
  plannedMs: number,
  nowMs: number,
  concurrent = true,
): ClaimRequest {
  return {
    jobId,
    scope: 'cluster',
    nodeId,
    concurrent,
    leaseMs: 10_000,
    decide: (lastFiredMs) =>
      decideFire({
        trigger: everySecond,
        misfirePolicy: 'fireAndProceed',
        misfireThresholdMs: 60_000,
        nowMs,
        plannedMs,
        lastFiredMs,
      }),
  };
}

describe('schedule store on PostgreSQL', () => {
  it('lets exactly one of two nodes racing for the same fire run it, for every one of 50 fires', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 50; i++) {
      const planned = start + i * 1000;
      const [a, b] = await Promise.all([
        storeA.claim(request('race', 'node-a', planned, planned + 5)),
        storeB.claim(request('race', 'node-b', planned, planned + 5)),
      ]);
      expect([a.outcome, b.outcome].sort()).toEqual(['none', 'run']);
      // The loser moves its plan past the claimed instant, like the winner.
      expect(a.decision.nextMs).toBe(planned + 1000);
      expect(b.decision.nextMs).toBe(planned + 1000);
    }
    const rows = await dbA.query<{ n: string; distinct_fires: string }>(
      `SELECT count(*) AS n, count(DISTINCT fire_at) AS distinct_fires FROM schedule_fires WHERE job_id = 'race'`,
    );
    expect(rows[0]).toEqual({ n: '50', distinct_fires: '50' });
  });

  it('fires a misfire once across nodes however many instants were missed', async () => {
    const lastRun = Date.parse('2026-01-01T00:00:00Z');
    const first = await storeA.claim(request('misfire', 'node-a', lastRun, lastRun));
    await storeA.finishRun('misfire', 'cluster', lastRun, { state: 'SUCCESS' });
    expect(first.outcome).toBe('run');
    // Both nodes come back an hour later, each still planning the instant after the last run.
    const now = lastRun + 3600_000 + 500;
    const [a, b] = await Promise.all([
      storeA.claim(request('misfire', 'node-a', lastRun + 1000, now)),
      storeB.claim(request('misfire', 'node-b', lastRun + 1000, now)),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['none', 'run']);
    const fires = await storeA.runs('misfire', 10);
    expect(fires.map((f) => new Date(f.fireMs).toISOString())).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('keeps a non-concurrent job from overlapping across nodes, until the running node stops heart-beating', async () => {
    const t0 = Date.parse('2026-02-01T00:00:00Z');
    const running = await storeA.claim(request('lease', 'node-a', t0, t0, false));
    expect(running.outcome).toBe('run');
    const second = await storeB.claim(request('lease', 'node-b', t0 + 1000, t0 + 1000, false));
    expect(second.outcome).toBe('skipped');
    const skipped = (await storeB.runs('lease', 1))[0];
    expect(skipped?.state).toBe('SKIPPED');
    expect(skipped?.message).toContain('still running on node node-a');

    // node-a dies: its lease runs out (simulated by ageing it), and the next fire runs on node-b.
    await dbA.query(`UPDATE schedule_leases SET lease_until = clock_timestamp() - interval '1 second'`);
    const third = await storeB.claim(request('lease', 'node-b', t0 + 2000, t0 + 2000, false));
    expect(third.outcome).toBe('run');
    const history = await storeB.runs('lease', 3);
    expect(history.map((r) => [r.nodeId, r.state, r.message])).toEqual([
      ['node-b', 'ACTIVE', null],
      ['node-b', 'SKIPPED', expect.stringContaining('node-a') as unknown],
      ['node-a', 'FAILED', 'node node-a stopped heart-beating'],
    ]);
    await storeB.finishRun('lease', 'cluster', t0 + 2000, { state: 'SUCCESS', reconId: 'r-1' });
    const next = await storeA.claim(request('lease', 'node-a', t0 + 3000, t0 + 3000, false));
    expect(next.outcome).toBe('run');
    expect((await storeA.lastRuns(['cluster'])).get('lease')?.nodeId).toBe('node-a');
  });

  it('marks the running fires of a node that went silent FAILED, and lists nodes with their state', async () => {
    const nodesA = new ClusterNodeRepository(dbA);
    const nodesB = new ClusterNodeRepository(dbB);
    await nodesA.join({ nodeId: 'silent-a', host: 'h', pid: 1 });
    await nodesB.join({ nodeId: 'live-b', host: 'h', pid: 2 });
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    expect((await storeA.claim(request('silent', 'silent-a', t0, t0))).outcome).toBe('run');
    await dbA.query(
      `UPDATE cluster_nodes SET heartbeat_at = clock_timestamp() - interval '1 minute' WHERE node_id = 'silent-a'`,
    );
    expect(await storeB.failRunsOfSilentNodes(10_000)).toBe(1);
    expect((await storeB.runs('silent', 1))[0]).toMatchObject({
      state: 'FAILED',
      message: 'node silent-a stopped heart-beating',
    });
    await nodesB.leave('live-b');
    const listed = await nodesA.list(10_000);
    expect(
      listed.filter((n) => ['silent-a', 'live-b'].includes(n.nodeId)).map((n) => [n.nodeId, n.state]),
    ).toEqual([
      ['live-b', 'stopped'],
      ['silent-a', 'down'],
    ]);
  });

  it('pauses claims cluster-wide', async () => {
    await storeA.setPaused(true);
    const t0 = Date.parse('2026-04-01T00:00:00Z');
    const paused = await storeB.claim({
      ...request('paused', 'node-b', t0, t0),
      decide: (_last, isPaused) => ({ fireMs: isPaused ? null : t0, misfired: false, nextMs: t0 }),
    });
    expect(paused.outcome).toBe('none');
    await storeB.setPaused(false);
    expect(await storeA.isPaused()).toBe(false);
  });
});
