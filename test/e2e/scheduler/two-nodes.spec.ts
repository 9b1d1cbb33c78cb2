import { rmSync } from 'node:fs';
import { ADMIN_HEADERS, type ConcordProcess } from '../../../bench/support/concord-process';
import { send } from '../../../bench/support/load';
import { freshDatabase, startNodes, tickFires, tickProject } from './two-nodes.fixture';

/** Two real Concord processes on one PostgreSQL database, one persisted schedule firing every second. */
describe('two Concord nodes on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let nodes: ConcordProcess[] = [];
  let projectDir: string;

  beforeAll(async () => {
    db = await freshDatabase();
    projectDir = tickProject();
    nodes = await startNodes(2, db.url, projectDir);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await db.drop();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('runs each planned fire instant exactly once across the nodes, and each node lists both', async () => {
    const from = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const to = Math.floor(Date.now() / 1000) * 1000 - 2000;
    const fires = await tickFires(db.query, from, to);

    const expected: number[] = [];
    for (let at = from; at <= to; at += 1000) expected.push(at);
    expect(fires.map((f) => Number(f.fire_ms))).toEqual(expected);
    expect(fires.filter((f) => f.state !== 'SUCCESS')).toEqual([]);
    // Which node wins each claim is a race; over 30 fires both take part.
    expect(new Set(fires.map((f) => f.node_id))).toEqual(new Set(['node-1', 'node-2']));

    for (const node of nodes) {
      const res = await send(
        { port: node.port, headers: ADMIN_HEADERS },
        { method: 'GET', path: '/openidm/cluster' },
      );
      const listed = (JSON.parse(res.body) as { results: { instanceId: string; state: string }[] }).results;
      expect(listed.map((n) => [n.instanceId, n.state])).toEqual([
        ['node-1', 'running'],
        ['node-2', 'running'],
      ]);
    }
  }, 60_000);

  it('keeps firing on the remaining node when one leaves, and shows the one that left as stopped', async () => {
    const [first, second] = nodes as [ConcordProcess, ConcordProcess];
    await first.stop();
    nodes = [second];
    const from = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const to = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const fires = await tickFires(db.query, from, to);
    expect(fires.length).toBe((to - from) / 1000 + 1);
    expect(new Set(fires.map((f) => f.node_id))).toEqual(new Set(['node-2']));
    const res = await send(
      { port: second.port, headers: ADMIN_HEADERS },
      { method: 'GET', path: '/openidm/cluster' },
    );
    const listed = (JSON.parse(res.body) as { results: { instanceId: string; state: string }[] }).results;
    expect(listed.map((n) => [n.instanceId, n.state])).toEqual([
      ['node-1', 'stopped'],
      ['node-2', 'running'],
    ]);
  }, 60_000);
});
