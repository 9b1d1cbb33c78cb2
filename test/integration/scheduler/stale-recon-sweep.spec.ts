import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DomainError } from '../../../src/core/errors/domain-error';
import { ReconRunSweepRepository } from '../../../src/persistence/recon-run-sweep.repository';
import { ReconRunRepository } from '../../../src/persistence/recon-run.repository';
import { TypeOrmSqlDatabase } from '../../../src/persistence/typeorm-sql-database';
import { SchedulerSettings } from '../../../src/scheduler/scheduler.settings';
import { StaleReconSweep } from '../../../src/scheduler/stale-recon.sweep';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `stale_${randomBytes(6).toString('hex')}`;
const STALE_MS = 5_000;
const NODE_TIMEOUT_MS = 10_000;

/** Node `node-2` sweeping; each sweeper has its own connection pool on the same schema, as a process would. */
const settingsOf = (nodeId: string): SchedulerSettings =>
  new SchedulerSettings(nodeId, '', '', 'UTC', undefined, 3_000, NODE_TIMEOUT_MS, 60_000, 3600_000, STALE_MS);

let db: TypeOrmSqlDatabase;
let other: TypeOrmSqlDatabase;
let runs: ReconRunRepository;
let sweep: StaleReconSweep;

beforeAll(async () => {
  db = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 });
  other = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 });
  runs = new ReconRunRepository(db);
  sweep = new StaleReconSweep(settingsOf('node-2'), new ReconRunSweepRepository(db));
});

afterAll(async () => {
  await db.close();
  await other.close();
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

beforeEach(async () => {
  await db.query('DELETE FROM recon_runs');
  await db.query('DELETE FROM cluster_nodes');
});

/** A node whose last heartbeat was `silentMs` ago (database clock); `stopped` when it left gracefully. */
async function node(nodeId: string, silentMs: number, state: 'running' | 'stopped' = 'running') {
  await db.query(
    `INSERT INTO cluster_nodes (node_id, state, host, pid, started_at, heartbeat_at, stopped_at)
     VALUES ($1, $2, 'host', 1, clock_timestamp() - interval '1 hour',
             clock_timestamp() - $3 * interval '1 millisecond',
             CASE WHEN $2 = 'stopped' THEN clock_timestamp() - $3 * interval '1 millisecond' END)`,
    [nodeId, state, silentMs],
  );
}

/** An ACTIVE run of `nodeId` whose last progress write was `silentMs` ago. */
async function activeRun(id: string, nodeId: string, silentMs: number): Promise<void> {
  await runs.create({
    id,
    mapping: 'systemLdapAccounts_managedUser',
    nodeId,
    cancelRequested: false,
    heartbeatAt: new Date().toISOString(),
    summary: {
      _id: id,
      mapping: 'systemLdapAccounts_managedUser',
      state: 'ACTIVE',
      stage: 'ACTIVE_RECONCILING_SOURCE',
      stageDescription: 'reconciling source entries',
      started: new Date(Date.now() - 60_000).toISOString(),
      ended: '',
      progress: { source: { existing: { processed: 42, total: '3000' } } },
    },
  });
  await db.query(
    `UPDATE recon_runs SET heartbeat_at = clock_timestamp() - $2 * interval '1 millisecond' WHERE id = $1`,
    [id, silentMs],
  );
}

async function stateOf(id: string): Promise<{ state: string; summaryState: string; cancel: boolean }> {
  const [row] = await db.query<{ state: string; summary_state: string; cancel_requested: boolean }>(
    `SELECT state, summary->>'state' AS summary_state, cancel_requested FROM recon_runs WHERE id = $1`,
    [id],
  );
  if (row === undefined) throw new Error(`no run ${id}`);
  return { state: row.state, summaryState: row.summary_state, cancel: row.cancel_requested };
}

describe('stale recon sweep on PostgreSQL', () => {
  it('fails the silent run of a node that stopped heart-beating, with the reason and a consistent end', async () => {
    await node('node-1', 30_000);
    await activeRun('dead-node-run', 'node-1', 29_000);

    expect(await sweep.sweep()).toEqual(['dead-node-run']);

    const stored = await runs.get('dead-node-run');
    const [lastBeat] = await db.query<{ ms: number }>(
      `SELECT round(extract(epoch FROM heartbeat_at) * 1000)::float8 AS ms FROM cluster_nodes WHERE node_id = 'node-1'`,
    );
    const heartbeat = new Date(Number(lastBeat?.ms)).toISOString();
    expect(stored?.summary).toMatchObject({
      state: 'FAILED',
      stage: 'COMPLETED_FAILED',
      stageDescription: 'reconciliation failed',
      progress: { source: { existing: { processed: 42, total: '3000' } } },
      error: { message: `node node-1 stopped heart-beating at ${heartbeat}; marked FAILED by node node-2` },
    });
    expect(Date.parse(String(stored?.summary['ended']))).toBeGreaterThan(Date.now() - 60_000);
    expect(stored?.summary['duration']).toBeGreaterThanOrEqual(60_000);
    expect(await stateOf('dead-node-run')).toEqual({ state: 'FAILED', summaryState: 'FAILED', cancel: true });
    expect((await runs.activeRuns()).map((r) => r.id)).toEqual([]);
  });

  it('leaves a run alone while its node heart-beats, or while the run itself still writes progress', async () => {
    await node('alive', 1_000);
    await node('dead', 30_000);
    await activeRun('slow-writer-on-live-node', 'alive', 20_000);
    await activeRun('fresh-run-on-silent-node', 'dead', 1_000);

    expect(await sweep.sweep()).toEqual([]);
    expect((await stateOf('slow-writer-on-live-node')).state).toBe('ACTIVE');
    expect((await stateOf('fresh-run-on-silent-node')).state).toBe('ACTIVE');
  });

  it('fails the run of a node that left, or that the cluster never knew, and never touches ended runs', async () => {
    await node('left', 20_000, 'stopped');
    await activeRun('run-of-left-node', 'left', 20_000);
    await activeRun('run-of-unknown-node', 'ghost', 20_000);
    await activeRun('finished', 'ghost', 20_000);
    const finished = await runs.get('finished');
    await runs.saveSummary('finished', {
      ...(finished?.summary ?? { _id: 'finished', mapping: 'm', state: '', stage: '' }),
      state: 'SUCCESS',
      stage: 'COMPLETED_SUCCESS',
    });
    await db.query(
      `UPDATE recon_runs SET heartbeat_at = clock_timestamp() - interval '20 seconds' WHERE id = 'finished'`,
    );

    expect((await sweep.sweep()).sort()).toEqual(['run-of-left-node', 'run-of-unknown-node']);
    expect((await runs.get('run-of-left-node'))?.summary['error']).toEqual({
      message: expect.stringMatching(
        /^node left left the cluster at \S+Z while the run was active; marked FAILED by node node-2$/,
      ) as unknown,
    });
    expect((await runs.get('run-of-unknown-node'))?.summary['error']).toEqual({
      message: expect.stringMatching(
        /^node ghost stopped heart-beating at \S+Z; marked FAILED by node node-2$/,
      ) as unknown,
    });
    expect(await stateOf('finished')).toEqual({ state: 'SUCCESS', summaryState: 'SUCCESS', cancel: false });
  });

  it('fails a run once when two nodes sweep at the same time', async () => {
    await node('node-1', 30_000);
    for (let i = 0; i < 20; i++) await activeRun(`run-${i}`, 'node-1', 30_000);
    const third = new StaleReconSweep(settingsOf('node-3'), new ReconRunSweepRepository(other));

    const [byTwo, byThree] = await Promise.all([sweep.sweep(), third.sweep()]);

    const all = [...byTwo, ...byThree].sort();
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `run-${i}`).sort());
    const sweepers = await db.query<{ by: string; n: string }>(
      `SELECT substring(summary->'error'->>'message' from 'by node (\\S+)$') AS by, count(*) AS n
       FROM recon_runs GROUP BY 1 ORDER BY 1`,
    );
    // Whoever failed a run is the node its message names; the counts add up to one end per run.
    expect(sweepers.reduce((sum, row) => sum + Number(row.n), 0)).toBe(20);
    expect(sweepers.find((row) => row.by === 'node-2')?.n ?? '0').toBe(String(byTwo.length));
    expect(sweepers.find((row) => row.by === 'node-3')?.n ?? '0').toBe(String(byThree.length));
  });

  it('keeps a swept run FAILED when its frozen node wakes up and writes progress, and asks it to cancel', async () => {
    await node('node-1', 30_000);
    await activeRun('zombie', 'node-1', 30_000);
    await sweep.sweep();

    const late = await runs.get('zombie');
    await runs.saveSummary('zombie', {
      ...(late?.summary ?? { _id: 'zombie', mapping: 'm', state: '', stage: '' }),
      state: 'ACTIVE',
      stage: 'ACTIVE_RECONCILING_SOURCE',
    });

    expect(await stateOf('zombie')).toEqual({ state: 'FAILED', summaryState: 'FAILED', cancel: true });
    expect((await runs.get('zombie'))?.cancelRequested).toBe(true);
    const unknown = await runs
      .saveSummary('no-such-run', {
        _id: 'no-such-run',
        mapping: 'm',
        state: 'ACTIVE',
        stage: 'ACTIVE_INITIALIZED',
      })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DomainError);
    expect((unknown as DomainError).code).toBe('NOT_FOUND');
  });
});
