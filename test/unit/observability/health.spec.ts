import type { INestApplication, Provider } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { HealthIndicators, type HealthIndicator } from '../../../src/observability/health.indicators';
import { HealthModule } from '../../../src/observability/health.module';
import { ADMIN, createAuthTestApp } from '../auth/auth-test-app';

const up = (name: string): HealthIndicator => ({ name, check: async () => {} });
const down = (name: string): HealthIndicator => ({
  name,
  check: async () => {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432');
  },
});
const hung = (name: string): HealthIndicator => ({ name, check: () => new Promise<void>(() => {}) });

async function appWith(indicators?: HealthIndicator[]): Promise<INestApplication<App>> {
  const providers: Provider[] =
    indicators === undefined ? [] : [{ provide: HealthIndicators, useValue: { indicators, timeoutMs: 100 } }];
  return createAuthTestApp({ users: [ADMIN], imports: [HealthModule.forRoot({ providers })] });
}

describe('GET /health', () => {
  let app: INestApplication<App> | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers UP without credentials when no indicator is bound', async () => {
    app = await appWith();
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'UP' });
  });

  it.each<[string, number, () => HealthIndicator[], Record<string, unknown>]>([
    ['all up', 200, () => [up('database')], { status: 'UP', components: { database: { status: 'UP' } } }],
    [
      'database refusing connections',
      503,
      () => [down('database'), up('ldap')],
      { status: 'DOWN', components: { database: { status: 'DOWN' }, ldap: { status: 'UP' } } },
    ],
    [
      'database not answering in time',
      503,
      () => [hung('database')],
      { status: 'DOWN', components: { database: { status: 'DOWN' } } },
    ],
  ])('%s -> %i', async (_case, status, indicators, body) => {
    app = await appWith(indicators());
    const response = await request(app.getHttpServer()).get('/health').expect(status);
    expect(response.body).toEqual(body);
    expect(response.text).not.toContain('10.1.2.3');
  });
});
