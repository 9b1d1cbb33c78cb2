import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { MetricsModule } from '../../../src/observability/metrics.module';
import { MetricsRegistry } from '../../../src/observability/metrics.registry';
import { ADMIN, basic, createAuthTestApp, InMemoryManagedUsers } from '../auth/auth-test-app';

const asAdmin = { 'X-OpenIDM-Username': ADMIN.userName, 'X-OpenIDM-Password': 'admin-secret' };

/** The value of one sample line, e.g. `http_requests_total{method="GET",...} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsModule', () => {
  let app: INestApplication<App>;
  const saved = process.env.CONCORD_METRICS_PUBLIC;

  beforeEach(async () => {
    delete process.env.CONCORD_METRICS_PUBLIC;
    app = await createAuthTestApp({
      users: [ADMIN],
      managedUsers: new InMemoryManagedUsers({ alice: { id: 'a-1', password: 'pw' } }),
      imports: [MetricsModule],
    });
  });

  afterEach(async () => {
    await app.close();
    if (saved === undefined) delete process.env.CONCORD_METRICS_PUBLIC;
    else process.env.CONCORD_METRICS_PUBLIC = saved;
  });

  it('counts requests by route pattern and status, not by raw URL', async () => {
    const server = app.getHttpServer();
    await request(server).get('/openidm/managed/user/id-1').set(asAdmin).expect(200);
    await request(server).get('/openidm/managed/user/id-2').set(asAdmin).expect(200);
    await request(server).get('/openidm/managed/user/id-3').expect(401);
    await request(server).get('/no/such/path/42').expect(404);

    const response = await request(server).get('/metrics').set(asAdmin).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; .*version=0\.0\.4/);
    const text = response.text;
    expect(
      sample(text, 'http_requests_total{method="GET",route="/openidm/managed/user/:id",status="200"}'),
    ).toBe(2);
    expect(
      sample(text, 'http_requests_total{method="GET",route="/openidm/managed/user/:id",status="401"}'),
    ).toBe(1);
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(
      sample(
        text,
        'http_request_duration_seconds_count{method="GET",route="/openidm/managed/user/:id",status="200"}',
      ),
    ).toBe(2);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).not.toContain('id-1');
    expect(text).not.toContain('/no/such/path');
  });

  it('includes the default process metrics', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').set(asAdmin).expect(200);
    expect(response.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(response.text).toContain('nodejs_heap_size_used_bytes');
  });

  it('is admin-only by default', async () => {
    const server = app.getHttpServer();
    await request(server).get('/metrics').expect(401);
    await request(server).get('/metrics').set('Authorization', basic('alice', 'pw')).expect(403);
    await request(server)
      .get('/metrics')
      .set('Authorization', basic(ADMIN.userName, 'admin-secret'))
      .expect(200);
  });

  it('is public when CONCORD_METRICS_PUBLIC=true', async () => {
    process.env.CONCORD_METRICS_PUBLIC = 'true';
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.text).toContain('http_requests_total');
    process.env.CONCORD_METRICS_PUBLIC = 'yes';
    await request(app.getHttpServer()).get('/metrics').expect(401);
  });

  it('lets other modules add instruments that appear on /metrics', async () => {
    const metrics = app.get(MetricsRegistry);
    const created = metrics.counter({
      name: 'recon_runs_total',
      help: 'Reconciliation runs',
      labelNames: ['mapping'],
    });
    expect(
      metrics.counter({ name: 'recon_runs_total', help: 'Reconciliation runs', labelNames: ['mapping'] }),
    ).toBe(created);
    created.inc({ mapping: 'systemLdapAccounts_managedUser' }, 3);
    const response = await request(app.getHttpServer()).get('/metrics').set(asAdmin).expect(200);
    expect(sample(response.text, 'recon_runs_total{mapping="systemLdapAccounts_managedUser"}')).toBe(3);
    expect(() => metrics.gauge({ name: 'recon_runs_total', help: 'clash' })).toThrow(/another kind/);
  });
});

describe('MetricsRegistry', () => {
  it('keeps separate registries per instance, so two applications in one process do not collide', async () => {
    const first = new MetricsRegistry();
    const second = new MetricsRegistry();
    first.counter({ name: 'only_here_total', help: 'x' }).inc();
    expect(await first.render()).toContain('only_here_total 1');
    expect(await second.render()).not.toContain('only_here_total');
    first.onModuleDestroy();
    second.onModuleDestroy();
  });
});
