import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConcord, tempProjectDir, type TestConcord } from '../../support/concord-app';
import { until } from '../../support/until';

/** A script schedule that creates one managed user per fire, so each run is visible through the API. */
const scriptSchedule = (schedule: string, extra: Record<string, unknown> = {}) => ({
  enabled: true,
  persisted: true,
  type: 'cron',
  schedule,
  invokeService: 'script',
  invokeContext: {
    script: {
      type: 'text/javascript',
      source:
        "openidm.create('managed/user', null, {userName: 'u' + input['scheduled-fire-time'], givenName: 'S', sn: 'S', mail: 's@example.com'})",
    },
  },
  ...extra,
});

/** The parts of a job resource these tests read. */
interface JobView {
  readonly lastRun: { state?: string; message?: string; node?: string } | null;
  readonly nextRunDate: string | null;
}

describe('scheduler REST API', () => {
  let t: TestConcord;

  beforeAll(async () => {
    const projectDir = tempProjectDir();
    writeFileSync(
      join(projectDir, 'config', 'schedule-nightly.json'),
      JSON.stringify(scriptSchedule('0 0 2 ? * MON-FRI', { enabled: false })),
    );
    t = await startConcord({ repo: 'postgres', projectDir, env: { CONCORD_NODE_ID: 'api-node' } });
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('lists the file schedule as a job with its next run date', async () => {
    const res = await t.admin('get', '/openidm/scheduler/job?_queryFilter=true').expect(200);
    const nightly = (res.body.result as Record<string, unknown>[]).find((job) => job._id === 'nightly');
    expect(nightly).toMatchObject({
      _id: 'nightly',
      source: 'file',
      enabled: false,
      nextRunDate: null,
      lastRun: null,
    });
    const ids = await t.admin('get', '/openidm/scheduler/job?_queryId=query-all-ids').expect(200);
    expect(ids.body.result).toContainEqual({ _id: 'nightly' });
  });

  it('creates a job that fires every second, records its runs, and deletes it', async () => {
    const created = await t
      .admin('post', '/openidm/scheduler/job?_action=create&_id=every-second')
      .send(scriptSchedule('* * * * * ?'))
      .expect(201);
    expect(created.body).toMatchObject({ _id: 'every-second', persisted: true, source: 'api' });
    expect(Date.parse(created.body.nextRunDate as string)).toBeGreaterThan(Date.now() - 1000);

    const job = await until(async () => {
      const res = await t.admin('get', '/openidm/scheduler/job/every-second').expect(200);
      return res.body.lastRun?.state === 'SUCCESS' ? (res.body as JobView) : undefined;
    });
    expect(job.lastRun).toMatchObject({ node: 'api-node', state: 'SUCCESS' });
    const users = await t.admin('get', '/openidm/managed/user?_queryFilter=givenName eq "S"').expect(200);
    expect(users.body.resultCount).toBeGreaterThan(0);

    await t.admin('delete', '/openidm/scheduler/job/every-second').expect(200);
    await t.admin('get', '/openidm/scheduler/job/every-second').expect(404);
  });

  it('refuses invalid schedules with 400 and the reason', async () => {
    const res = await t
      .admin('post', '/openidm/scheduler/job?_action=create')
      .send(scriptSchedule('0 0 12 * * MON'))
      .expect(400);
    expect(res.body.message).toContain(
      '/schedule: expected a valid Quartz cron expression, got "0 0 12 * * MON": one of day-of-month and day-of-week must be \'?\'',
    );
  });

  it('validates Quartz cron expressions', async () => {
    const ok = await t
      .admin('post', '/openidm/scheduler?_action=validateQuartzCronExpression')
      .send({ cronExpression: '0 15 10 ? * 6#3' })
      .expect(200);
    expect(ok.body).toEqual({ valid: true });
    const bad = await t
      .admin('post', '/openidm/scheduler?_action=validateQuartzCronExpression')
      .send({ cronExpression: '0 0 25 * * ?' })
      .expect(200);
    expect(bad.body).toEqual({ valid: false, reason: 'hours must be 0-23, got 25' });
  });

  it('records a recon fire as FAILED with a clear message while no sync engine is bound, without crashing', async () => {
    await t
      .admin('put', '/openidm/scheduler/job/recon-now')
      .send({
        schedule: '* * * * * ?',
        persisted: false,
        invokeService: 'sync',
        invokeContext: { mapping: 'none' },
      })
      .expect(200);
    const job = await until(async () => {
      const res = await t.admin('get', '/openidm/scheduler/job/recon-now').expect(200);
      // A fire is recorded ACTIVE while it runs; wait for the state it ends in.
      const state = (res.body as JobView).lastRun?.state;
      return state !== undefined && state !== 'ACTIVE' ? (res.body as JobView) : undefined;
    });
    // The sync engine may already provide the launcher; either way the run ended and says how.
    expect(['SUCCESS', 'FAILED']).toContain(job.lastRun?.state);
    if (job.lastRun?.state === 'FAILED') expect(job.lastRun.message).toEqual(expect.any(String));
    await t.admin('delete', '/openidm/scheduler/job/recon-now').expect(200);
  });

  it('pauses and resumes every job', async () => {
    await t.admin('post', '/openidm/scheduler/job?_action=pauseJobs').expect(200, { success: true });
    await t
      .admin('post', '/openidm/scheduler/job?_action=create&_id=paused-job')
      .send(scriptSchedule('* * * * * ?'))
      .expect(201);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await t.admin('get', '/openidm/scheduler/job/paused-job').expect(200)).body.lastRun).toBeNull();
    await t.admin('post', '/openidm/scheduler/job?_action=resumeJobs').expect(200, { success: true });
    await until(async () => {
      const res = await t.admin('get', '/openidm/scheduler/job/paused-job').expect(200);
      return res.body.lastRun !== null ? true : undefined;
    });
    const executing = await t
      .admin('post', '/openidm/scheduler/job?_action=listCurrentlyExecutingJobs')
      .expect(200);
    expect(Array.isArray(executing.body)).toBe(true);
    await t.admin('delete', '/openidm/scheduler/job/paused-job').expect(200);
  });

  it('reads and replaces a file schedule without a restart', async () => {
    const read = await t.admin('get', '/openidm/config/schedule-nightly').expect(200);
    expect(read.body).toMatchObject({
      _id: 'schedule/nightly',
      schedule: '0 0 2 ? * MON-FRI',
      enabled: false,
    });
    await t
      .admin('put', '/openidm/config/schedule-nightly')
      .send({ ...scriptSchedule('0 0 3 * * *'), enabled: true })
      .expect(400);
    const replaced = await t
      .admin('put', '/openidm/config/schedule-nightly')
      .send(scriptSchedule('0 0 3 L * ?'))
      .expect(200);
    expect(replaced.body).toMatchObject({ _id: 'schedule/nightly', schedule: '0 0 3 L * ?', enabled: true });
    const file = JSON.parse(
      readFileSync(join(t.projectDir, 'config', 'schedule-nightly.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(file.schedule).toBe('0 0 3 L * ?');
    const job = await t.admin('get', '/openidm/scheduler/job/nightly').expect(200);
    const next = new Date(job.body.nextRunDate as string);
    // The last day of a month, at 03:00 in the server's zone.
    expect(new Date(next.getTime() + 24 * 3600_000).getDate()).toBe(1);
    await t.admin('put', '/openidm/scheduler/job/nightly').send(scriptSchedule('* * * * * ?')).expect(400);
  });

  it('lists this node in the cluster', async () => {
    const res = await t.admin('get', '/openidm/cluster').expect(200);
    expect(res.body.results).toContainEqual(
      expect.objectContaining({ instanceId: 'api-node', state: 'running' }),
    );
  });
});
