import { Body, Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Public } from '../../../src/auth/public.decorator';
import { LoggingModule } from '../../../src/observability/logging.module';
import { withActivityContext } from '../../../src/audit/activity-context';
import { loggerOptions } from '../../../src/observability/logging.options';
import { ADMIN, basic, createAuthTestApp } from '../auth/auth-test-app';

/** Logs what it receives, as a careless handler might. */
@Controller('log')
class ChattyController {
  constructor(private readonly logger: PinoLogger) {}

  @Public()
  @Post()
  receive(@Body() body: unknown) {
    this.logger.info({ body, login: { credentials: { password: 'nested-secret' } } }, 'received');
    return { ok: true };
  }

  @Public()
  @Get('id')
  id() {
    return { ok: true };
  }
}

interface LogRecord {
  level: number;
  req: { id: string; method: string; url: string };
  res: { statusCode: number };
}

class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0),
    );
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }
}

async function appLoggingTo(capture: Capture, level?: string): Promise<INestApplication<App>> {
  return createAuthTestApp({
    users: [ADMIN],
    imports: [LoggingModule.forRoot({ destination: capture, level })],
    controllers: [ChattyController],
  });
}

describe('LoggingModule', () => {
  let capture: Capture;
  let app: INestApplication<App>;

  beforeEach(async () => {
    capture = new Capture();
    app = await appLoggingTo(capture, 'info');
  });

  afterEach(async () => {
    await app.close();
  });

  it('writes one JSON line per request with method, url, status and request id', async () => {
    const response = await request(app.getHttpServer())
      .get('/openidm/managed/user')
      .set('X-OpenIDM-Username', 'openidm-admin')
      .set('X-OpenIDM-Password', 'admin-secret')
      .expect(200);
    const [record] = capture.records();
    expect(record).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/openidm/managed/user' },
      res: { statusCode: 200 },
    });
    expect(record?.req.id).toBe(response.headers['x-request-id']);
  });

  it('never writes credentials: OpenIDM headers, Basic, cookies, password fields', async () => {
    const server = app.getHttpServer();
    await request(server)
      .get('/openidm/managed/user')
      .set('X-OpenIDM-Username', 'openidm-admin')
      .set('X-OpenIDM-Password', 'header-secret')
      .set('Cookie', 'session-jwt=cookie-secret')
      .expect(401);
    await request(server)
      .get('/openidm/managed/user')
      .set('Authorization', basic('openidm-admin', 'admin-secret'))
      .expect(200);
    await request(server)
      .post('/log')
      .send({ userName: 'x', password: 'body-secret', credentials: 'cred-secret' })
      .expect(201);

    expect(capture.lines.length).toBeGreaterThanOrEqual(4);
    const base64Credentials = Buffer.from('openidm-admin:admin-secret').toString('base64');
    for (const secret of [
      'header-secret',
      'cookie-secret',
      base64Credentials,
      'admin-secret',
      'body-secret',
      'cred-secret',
      'nested-secret',
    ]) {
      expect(capture.text).not.toContain(secret);
    }
    expect(capture.text).toContain('[Redacted]');
    expect(capture.text).toContain('"x-openidm-username":"openidm-admin"');
  });

  it('logs 4xx answers as warnings', async () => {
    await request(app.getHttpServer()).get('/openidm/managed/user').expect(401);
    expect(capture.records()[0]).toMatchObject({ level: 40, res: { statusCode: 401 } });
  });

  it.each<[string, string | undefined, boolean]>([
    ['reuses a plain caller id', 'trace-42.abc:1', true],
    ['replaces an id with spaces', 'a b', false],
    ['replaces an over-long id', 'x'.repeat(129), false],
    ['generates an id when none is sent', undefined, false],
  ])('%s', async (_case, incoming, reused) => {
    const call = request(app.getHttpServer()).get('/log/id');
    const response = await (incoming === undefined ? call : call.set('X-Request-Id', incoming)).expect(200);
    const id = response.headers['x-request-id'] as string;
    if (reused) {
      expect(id).toBe(incoming);
    } else {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('gives each request its own generated id', async () => {
    const server = app.getHttpServer();
    const first = await request(server).get('/log/id');
    const second = await request(server).get('/log/id');
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});

describe('lines written while a request is handled', () => {
  it("carry the request's id, taken from the activity context when the line is written", () => {
    const mixin = loggerOptions().mixin as () => object;
    expect(mixin()).toEqual({});
    const inRequest = withActivityContext(
      { userId: 'openidm-admin', transactionId: 't-1', requestId: 'request-7' },
      () => mixin(),
    );
    expect(inRequest).toEqual({ reqId: 'request-7' });
  });
});

describe('log level', () => {
  const saved = process.env.LOG_LEVEL;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  });

  it.each<[string | undefined, string]>([
    [undefined, 'info'],
    ['debug', 'debug'],
    ['WARN', 'warn'],
    [' silent ', 'silent'],
    ['verbose', 'info'],
  ])('LOG_LEVEL=%s -> %s', (env, level) => {
    if (env === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = env;
    expect(loggerOptions().level).toBe(level);
  });

  it('writes nothing when LOG_LEVEL=silent', async () => {
    process.env.LOG_LEVEL = 'silent';
    const capture = new Capture();
    const app = await appLoggingTo(capture);
    await request(app.getHttpServer()).get('/openidm/managed/user').expect(401);
    await request(app.getHttpServer()).post('/log').send({ a: 1 }).expect(201);
    await app.close();
    expect(capture.lines).toEqual([]);
  });
});
