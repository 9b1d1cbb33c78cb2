import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN } from '../../support/concord-app';
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../../e2e/recon/recon-sample.fixture';
import { factory } from '../../support/slapd.factory';

const USERS = 60;
/** Each CREATE takes ≥ 40 ms (a busy wait in onCreate), one at a time: a run of a few seconds. */
const slow = { type: 'text/javascript', source: 'var end = Date.now() + 40; while (Date.now() < end) {}' };

/** Reads an SSE stream to its end; returns the parsed `data:` events. */
function readEvents(server: Server, path: string): Promise<unknown[]> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { ...ADMIN, Accept: 'text/event-stream' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve(
            text
              .split('\n\n')
              .filter((block) => block.startsWith('data: '))
              .map((block) => JSON.parse(block.slice(6)) as unknown),
          ),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('recon: live progress (SSE) and cancel', () => {
  let env: ReconTestEnv;
  let server: Server;

  beforeAll(async () => {
    const ldif = Array.from({ length: USERS }, (_, i) => factory.ldapEntry({ uid: `user${i}` })).join('');
    env = await startReconTest({
      ldif,
      mappings: ([ldapToManaged, managedToLdap]) => [
        { ...ldapToManaged, taskThreads: 1, onCreate: slow },
        managedToLdap,
      ],
    });
    server = env.t.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await env?.destroy();
  });

  it('cancel stops a running recon between entries: CANCELED, not every entry processed', async () => {
    const started = await env.t
      .admin('post', `/openidm/recon?_action=recon&mapping=${LDAP_TO_MANAGED}`)
      .send({});
    expect(started.body.state).toBe('ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancel = await env.t.admin('post', `/openidm/recon/${started.body._id}?_action=cancel`);
    expect(cancel.body).toEqual({ _id: started.body._id, action: 'cancel', status: 'SUCCESS' });
    let summary = (await env.t.admin('get', `/openidm/recon/${started.body._id}`)).body;
    for (let i = 0; i < 50 && summary.state === 'ACTIVE'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      summary = (await env.t.admin('get', `/openidm/recon/${started.body._id}`)).body;
    }
    expect(summary).toMatchObject({ state: 'CANCELED', stage: 'COMPLETED_CANCELED' });
    const created = summary.progress.target.created as number;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(USERS + 2);
    const users = await env.t.admin('get', '/openidm/managed/user?_queryFilter=true');
    expect(users.body.resultCount).toBe(created);
  });

  it('streams progress every second and a final summary as Server-Sent Events', async () => {
    const started = await env.t
      .admin('post', `/openidm/recon?_action=recon&mapping=${LDAP_TO_MANAGED}`)
      .send({});
    const events = await readEvents(server, `/openidm/recon/${started.body._id}`);
    const progress = events.filter(
      (e) => typeof e === 'object' && e !== null && 'progress' in e && !('ok' in e),
    );
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toEqual({
      progress: expect.objectContaining({ source: expect.anything() }),
      situationSummary: expect.objectContaining({ ABSENT: expect.any(Number) }),
      statusSummary: expect.objectContaining({ SUCCESS: expect.any(Number) }),
    });
    const last = events[events.length - 1] as {
      ok: boolean;
      summary: { state: string; statusSummary: object };
    };
    expect(last.ok).toBe(true);
    expect(last.summary.state).toBe('SUCCESS');
  });

  it('the explicit stream route refuses a client that does not accept text/event-stream (406)', async () => {
    const list = await env.t.admin('get', '/openidm/recon');
    const id = list.body.reconciliations[0]._id as string;
    const res = await env.t.admin('get', `/openidm/recon/${id}/events`).set('Accept', 'application/json');
    expect(res.status).toBe(406);
  });
});
