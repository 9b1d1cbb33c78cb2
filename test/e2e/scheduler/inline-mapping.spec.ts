/**
 * A schedule whose `invokeContext.mapping` is a whole mapping object (OpenIDM allows it) runs a recon of that
 * mapping, visible in `GET /openidm/recon`; a broken inline mapping is refused when the schedule is written.
 */
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { until } from '../../support/until';

/** managed/user → managed/role: needs no LDAP, and every created role shows the mapping was applied. */
const userToRole = {
  name: 'inlineUser_role',
  source: 'managed/user',
  target: 'managed/role',
  properties: [{ source: 'userName', target: 'name' }],
  policies: [{ situation: 'ABSENT', action: 'CREATE' }],
};

const reconSchedule = (mapping: unknown) => ({
  enabled: true,
  persisted: true,
  type: 'cron',
  schedule: '* * * * * ?',
  invokeService: 'sync',
  invokeContext: { action: 'reconcile', mapping },
});

let t: TestConcord;

beforeAll(async () => {
  t = await startConcord({ repo: 'postgres', projectDir: tempProjectDir() });
});
afterAll(async () => {
  await t.destroy();
});

it('runs a recon of an inline mapping and lists it', async () => {
  for (const userName of ['ina', 'inb']) {
    await t
      .admin('put', `/openidm/managed/user/${userName}`)
      .send({ userName, givenName: userName, sn: 'Inline', mail: `${userName}@example.com` })
      .expect(201);
  }
  await t.admin('put', '/openidm/scheduler/job/inline-recon').send(reconSchedule(userToRole)).expect(200);

  const lastRun = await until(async () => {
    const res = await t.admin('get', '/openidm/scheduler/job/inline-recon').expect(200);
    const run = res.body.lastRun as { state?: string; reconId?: string; message?: string } | null;
    // A fire shows as ACTIVE while its recon runs; wait for how it ended.
    return run?.state === undefined || run.state === 'ACTIVE' ? undefined : run;
  }, 15_000);
  await t.admin('delete', '/openidm/scheduler/job/inline-recon').expect(200);
  expect(lastRun).toMatchObject({ state: 'SUCCESS', reconId: expect.any(String) });

  const recon = await t.admin('get', `/openidm/recon/${String(lastRun.reconId)}`).expect(200);
  expect(recon.body).toMatchObject({ mapping: 'inlineUser_role', state: 'SUCCESS' });
  const listed = await t.admin('get', '/openidm/recon').expect(200);
  expect((listed.body.reconciliations as { _id: string }[]).map((run) => run._id)).toContain(lastRun.reconId);
  const roles = await t.admin('get', '/openidm/managed/role?_queryFilter=true&_fields=name').expect(200);
  expect((roles.body.result as { name: string }[]).map((role) => role.name).sort()).toEqual(
    expect.arrayContaining(['ina', 'inb']),
  );
});

it('refuses an inline mapping that sync.json would refuse, naming the path', async () => {
  const res = await t
    .admin('put', '/openidm/scheduler/job/bad-inline')
    .send(reconSchedule({ ...userToRole, policies: [{ situation: 'NOT_A_SITUATION', action: 'CREATE' }] }))
    .expect(400);
  expect(res.body.message).toContain('/invokeContext/mapping/policies/0/situation');
});
