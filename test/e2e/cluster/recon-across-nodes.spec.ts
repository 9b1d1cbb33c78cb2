/**
 * A recon started on one node is listed, followed (SSE) and cancelled from another: two real Concord
 * processes on one PostgreSQL database and one slapd holding 2,000 generated people. The run is on node-1,
 * which waits a little per entry (a test knob in its mapping) so that it lasts long enough to be cancelled.
 */
import { rmSync } from 'node:fs';
import type { SlapdInstance } from '../../support/slapd';
import {
  directoryWith,
  entryDelayEnv,
  followEvents,
  freshDatabase,
  LDAP_TO_MANAGED,
  sampleProject,
  sourceProgress,
  startNode,
  type Node,
} from './cluster.fixture';

const PEOPLE = 2_000;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let slapd: SlapdInstance;
let projectDir: string;
let a: Node;
let b: Node;

beforeAll(async () => {
  db = await freshDatabase();
  slapd = await directoryWith(PEOPLE);
  projectDir = sampleProject({ slowRecon: true });
  const options = { projectDir, databaseUrl: db.url, slapd };
  [a, b] = await Promise.all([
    startNode('node-1', { ...options, env: entryDelayEnv(10) }),
    startNode('node-2', options),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a, b].map((node) => node?.process.stop()));
  await db?.drop();
  await slapd?.destroy();
  rmSync(projectDir, { recursive: true, force: true });
});

it('lists, follows and cancels from node-2 a recon running on node-1', async () => {
  const started = await a.request('POST', `/openidm/recon?_action=recon&mapping=${LDAP_TO_MANAGED}`);
  expect(started.status).toBe(200);
  const reconId = started.body._id as string;
  expect(started.body.state).toBe('ACTIVE');

  const listed = await b.request('GET', '/openidm/recon');
  expect(listed.status).toBe(200);
  expect(listed.body.reconciliations).toEqual([
    expect.objectContaining({ _id: reconId, mapping: LDAP_TO_MANAGED, state: 'ACTIVE' }),
  ]);

  // node-2 follows the run: progress events, moving on as node-1 works through the source.
  const stream = await followEvents(b, `/openidm/recon/${reconId}`);
  const first = await stream.next((event) => 'progress' in event && sourceProgress(event) > 0);
  await stream.next((event) => 'progress' in event && sourceProgress(event) > sourceProgress(first));

  const cancel = await b.request('POST', `/openidm/recon/${reconId}?_action=cancel`);
  expect(cancel).toEqual({ status: 200, body: { _id: reconId, action: 'cancel', status: 'SUCCESS' } });

  const last = await stream.next((event) => 'ok' in event);
  await stream.ended;
  expect(last).toMatchObject({
    ok: false,
    error: { message: 'Reconciliation was canceled' },
    summary: { _id: reconId, state: 'CANCELED', stage: 'COMPLETED_CANCELED' },
  });
  const progressEvents = stream.events.filter((event) => 'progress' in event);
  const seen = progressEvents.map(sourceProgress);
  expect(seen).toEqual([...seen].sort((x, y) => x - y));

  // Both nodes agree on the end, and the run really stopped early: not every person became a managed user.
  for (const node of [a, b]) {
    const read = await node.request('GET', `/openidm/recon/${reconId}`);
    expect(read.body).toMatchObject({ _id: reconId, state: 'CANCELED', stage: 'COMPLETED_CANCELED' });
  }
  const users = await b.request(
    'GET',
    '/openidm/managed/user?_queryFilter=true&_pageSize=1&_totalPagedResultsPolicy=EXACT',
  );
  expect(users.status).toBe(200);
  expect(users.body.totalPagedResults).toBeLessThan(PEOPLE);
  const [run] = (await db.query(`SELECT node_id, state FROM recon_runs WHERE id = $1`, [reconId])) as {
    node_id: string;
    state: string;
  }[];
  expect(run).toEqual({ node_id: 'node-1', state: 'CANCELED' });
}, 90_000);
