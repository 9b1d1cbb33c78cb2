/**
 * A node killed with SIGKILL in the middle of a scheduled recon: the other node marks the run FAILED with the
 * reason (its stale-run sweep), the job's lease does not outlive the dead node, and the next fire of the
 * persisted schedule runs the recon to its end on the surviving node.
 *
 * node-1 starts alone, so it takes the first fire; it waits a little per entry (a test knob in its mapping)
 * so that the run is still going when it is killed. node-2 reconciles at full speed.
 */
import { rmSync } from 'node:fs';
import type { SlapdInstance } from '../../support/slapd';
import {
  directoryWith,
  entryDelayEnv,
  followEvents,
  freshDatabase,
  killNode,
  LDAP_TO_MANAGED,
  sampleProject,
  sourceProgress,
  startNode,
  until,
  type Json,
  type Node,
} from './cluster.fixture';

const PEOPLE = 1_000;
const JOB = 'nightly-accounts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let slapd: SlapdInstance;
let projectDir: string;
let a: Node;
let b: Node | undefined;

beforeAll(async () => {
  db = await freshDatabase();
  slapd = await directoryWith(PEOPLE);
  projectDir = sampleProject({ slowRecon: true });
  a = await startNode('node-1', { projectDir, databaseUrl: db.url, slapd, env: entryDelayEnv(30) });
}, 120_000);

afterAll(async () => {
  await a?.process.stop();
  await b?.process.stop();
  await db?.drop();
  await slapd?.destroy();
  rmSync(projectDir, { recursive: true, force: true });
});

interface Summary {
  _id: string;
  state: string;
  [key: string]: Json;
}

it('fails the run of the killed node with the reason and completes the next scheduled run on the other', async () => {
  const created = await a.request('POST', `/openidm/scheduler/job?_action=create&_id=${JOB}`, {
    enabled: true,
    persisted: true,
    concurrentExecution: false,
    type: 'cron',
    schedule: '0/2 * * * * ?',
    invokeService: 'sync',
    invokeContext: { action: 'reconcile', mapping: LDAP_TO_MANAGED },
  });
  expect(created.status).toBe(201);

  const interrupted = await until('node-1 to be working through a scheduled recon', async () => {
    const list = await a.request('GET', '/openidm/recon');
    const runs = list.body.reconciliations as Summary[];
    return runs.find((run) => run.state === 'ACTIVE' && sourceProgress(run) > 0);
  });

  b = await startNode('node-2', {
    projectDir,
    databaseUrl: db.url,
    slapd,
    env: { CONCORD_RECON_STALE_AFTER_MS: '3000' },
  });
  const stillActive = await b.request('GET', `/openidm/recon/${interrupted._id}`);
  expect(stillActive.body).toMatchObject({ _id: interrupted._id, state: 'ACTIVE' });
  const stream = await followEvents(b, `/openidm/recon/${interrupted._id}`);
  await killNode(a);
  const survivor = b;

  const failed = await until(
    'node-2 to mark the run of node-1 FAILED',
    async () => {
      const read = await survivor.request('GET', `/openidm/recon/${interrupted._id}`);
      return read.body.state === 'ACTIVE' ? undefined : (read.body as Summary);
    },
    45_000,
  );
  expect(failed).toMatchObject({
    _id: interrupted._id,
    mapping: LDAP_TO_MANAGED,
    state: 'FAILED',
    stage: 'COMPLETED_FAILED',
    error: {
      message: expect.stringMatching(
        /^node node-1 stopped heart-beating at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z; marked FAILED by node node-2$/,
      ),
    },
  });
  // node-2's SSE stream of the run ends with the same failure.
  const last = await stream.next((event) => 'ok' in event);
  expect(last).toMatchObject({
    ok: false,
    error: { message: failed['error'].message },
    summary: { state: 'FAILED' },
  });
  expect(Date.parse(failed['ended'] as string)).toBeGreaterThan(Date.parse(failed['started'] as string));
  const cluster = await survivor.request('GET', '/openidm/cluster');
  expect(
    (cluster.body.results as { instanceId: string; state: string }[]).map((n) => [n.instanceId, n.state]),
  ).toEqual([
    ['node-1', 'down'],
    ['node-2', 'running'],
  ]);

  // The job's lease died with node-1: a later fire runs on node-2 and reconciles to the end.
  const completed = await until(
    'a scheduled run to succeed on node-2',
    async () => {
      const list = await survivor.request('GET', '/openidm/recon');
      const runs = list.body.reconciliations as Summary[];
      return runs.find((run) => run._id !== interrupted._id && run.state === 'SUCCESS');
    },
    60_000,
  );
  expect(completed).toMatchObject({ mapping: LDAP_TO_MANAGED, stage: 'COMPLETED_SUCCESS' });
  const listed = (await survivor.request('GET', '/openidm/recon')).body.reconciliations as Summary[];
  expect(listed.find((run) => run._id === interrupted._id)).toMatchObject({ state: 'FAILED' });
  // Every generated person of the directory is reconciled, by node-1's partial run and node-2's full one.
  const users = await survivor.request(
    'GET',
    `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName sw "load"')}&_pageSize=1&_totalPagedResultsPolicy=EXACT`,
  );
  expect(users.body.totalPagedResults).toBe(PEOPLE);
  // The scheduler records the recon id on its fire once the run has ended.
  const completedFire = await until('the fire to record the recon it ran', async () => {
    const [fire] = (await db.query(
      `SELECT f.node_id AS fire_node, f.state, r.node_id AS recon_node
       FROM schedule_fires f JOIN recon_runs r ON r.id = f.recon_id WHERE f.job_id = $1 AND f.recon_id = $2`,
      [JOB, completed._id],
    )) as { fire_node: string; state: string; recon_node: string }[];
    return fire;
  });
  expect(completedFire).toEqual({ fire_node: 'node-2', state: 'SUCCESS', recon_node: 'node-2' });
  const [interruptedRun] = (await db.query(`SELECT node_id FROM recon_runs WHERE id = $1`, [
    interrupted._id,
  ])) as { node_id: string }[];
  expect(interruptedRun?.node_id).toBe('node-1');

  // The fire node-1 was running when it died is FAILED too, by the scheduler's own sweep.
  const fires = (await db.query(
    `SELECT node_id, state, message FROM schedule_fires WHERE job_id = $1 AND node_id = 'node-1' AND state <> 'SKIPPED'`,
    [JOB],
  )) as { node_id: string; state: string; message: string | null }[];
  expect(fires).toEqual([
    { node_id: 'node-1', state: 'FAILED', message: 'node node-1 stopped heart-beating' },
  ]);
}, 120_000);
