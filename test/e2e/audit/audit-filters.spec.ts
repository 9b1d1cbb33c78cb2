/**
 * audit.json's event filters (OpenIDM's `eventTopics.<topic>.filter`) on the sample with real slapd and
 * PostgreSQL: an administrator keeps the recon audit to what changed, leaves out the activity of recon's own
 * writes and the sync events that succeed. What is filtered is never written; a dry run keeps its entries.
 */
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

type Event = Record<string, unknown> & { _id: string };

const AUDIT = {
  eventTopics: {
    activity: {
      filter: {
        actions: ['create', 'update', 'delete', 'patch', 'action'],
        triggers: { recon: ['update'] },
      },
    },
    recon: { filter: { actions: ['create', 'delete', 'link', 'unlink', 'exception'] } },
    sync: { filter: { fields: [{ name: '/status', values: ['FAILURE'] }] } },
  },
};

let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest({ configFiles: { 'audit.json': AUDIT } });
});
afterAll(async () => {
  await env?.destroy();
});

async function audit(topic: string, filter: string): Promise<Event[]> {
  const res = await env.t.admin('get', `/openidm/audit/${topic}`).query({ _queryFilter: filter });
  expect(res.status).toBe(200);
  return (res.body as { result: Event[] }).result;
}

async function entries(reconId: string): Promise<Event[]> {
  const res = await env.t.admin('get', `/openidm/recon/${reconId}/entries?_queryFilter=true`);
  expect(res.status).toBe(200);
  return (res.body as { result: Event[] }).result;
}

describe('audit.json filters', () => {
  let firstRun = '';

  it('keeps the CREATE entries of a first recon, its start and summary, and no activity of its creates', async () => {
    const run = await env.recon(LDAP_TO_MANAGED);
    firstRun = run._id;
    expect(run.state).toBe('SUCCESS');

    const events = await audit('recon', `reconId eq "${run._id}"`);
    expect(events.map((e) => e.entryType).sort()).toEqual(['entry', 'entry', 'start', 'summary']);
    expect(events.filter((e) => e.entryType === 'entry').map((e) => e.action)).toEqual(['CREATE', 'CREATE']);
    expect(await entries(run._id)).toHaveLength(2);
    expect(await audit('activity', 'operation eq "CREATE"')).toEqual([]);
    // The reverse mapping's implicit sync of each created user is CONFIRMED and SUCCESS: not a FAILURE.
    expect(await audit('sync', 'true')).toEqual([]);
  });

  it('writes no entry for a recon that finds everything CONFIRMED, and still counts them', async () => {
    const run = await env.recon(LDAP_TO_MANAGED);

    const events = await audit('recon', `reconId eq "${run._id}"`);
    expect(events.map((e) => e.entryType).sort()).toEqual(['start', 'summary']);
    expect(await entries(run._id)).toEqual([]);
    const summary = await env.summary(run._id);
    expect(summary.situationSummary).toMatchObject({ CONFIRMED: 2 });
    expect(firstRun).not.toBe(run._id);
  });

  it('keeps every entry of a dry run: they are its result', async () => {
    const run = await env.recon(LDAP_TO_MANAGED, '&analyze=true');

    const kept = await entries(run._id);
    expect(kept.map((e) => e.situation)).toEqual(['CONFIRMED', 'CONFIRMED']);
  });

  it('still records the activity of a write made over REST', async () => {
    const created = await env.t.admin('post', '/openidm/managed/user?_action=create').send({
      userName: 'filtered-not',
      givenName: 'Rest',
      sn: 'Writer',
      mail: 'rest.writer@example.com',
    });
    expect(created.status).toBe(201);

    const creates = await audit('activity', `objectId eq "managed/user/${String(created.body._id)}"`);
    expect(creates.map((e) => e.operation)).toEqual(['CREATE']);
  });
});
