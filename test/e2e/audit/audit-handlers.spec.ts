/**
 * audit.json's event handlers decide which topics are recorded at all: with PingIDM 7.5+'s default handlers,
 * which leave `recon` out, a reconciliation writes no recon audit (real slapd and PostgreSQL). Its summary and
 * the other topics are as always, and a dry run still keeps its entries.
 */
import { LDAP_TO_MANAGED, startReconTest, type ReconTestEnv } from '../recon/recon-sample.fixture';

type Event = Record<string, unknown> & { _id: string };

const PINGIDM_DEFAULT_HANDLERS = {
  eventHandlers: [
    {
      class: 'org.forgerock.audit.handlers.json.JsonAuditEventHandler',
      config: {
        name: 'json',
        logDirectory: '&{idm.data.dir}/audit',
        topics: ['access', 'activity', 'sync', 'authentication', 'config'],
      },
    },
    {
      class: 'org.forgerock.openidm.audit.impl.RepositoryAuditEventHandler',
      config: { name: 'repo', enabled: false, topics: ['access', 'activity', 'recon', 'sync'] },
    },
  ],
};

let env: ReconTestEnv;

beforeAll(async () => {
  env = await startReconTest({ configFiles: { 'audit.json': PINGIDM_DEFAULT_HANDLERS } });
});
afterAll(async () => {
  await env?.destroy();
});

async function listed(path: string): Promise<Event[]> {
  const res = await env.t.admin('get', path).query({ _queryFilter: 'true' });
  expect(res.status).toBe(200);
  return (res.body as { result: Event[] }).result;
}

it('reconciles without recording the recon topic, and records the others', async () => {
  const run = await env.recon(LDAP_TO_MANAGED);

  expect(run.state).toBe('SUCCESS');
  expect((await env.summary(run._id)).situationSummary).toMatchObject({ ABSENT: 2 });
  expect(await listed('/openidm/audit/recon')).toEqual([]);
  expect(await listed(`/openidm/recon/${run._id}/entries`)).toEqual([]);
  const creates = (await listed('/openidm/audit/activity')).filter((e) => e.operation === 'CREATE');
  expect(creates).toHaveLength(2);
});

it('keeps the entries of a dry run', async () => {
  const run = await env.recon(LDAP_TO_MANAGED, '&analyze=true');

  expect((await listed(`/openidm/recon/${run._id}/entries`)).map((e) => e.situation)).toEqual([
    'CONFIRMED',
    'CONFIRMED',
  ]);
});
