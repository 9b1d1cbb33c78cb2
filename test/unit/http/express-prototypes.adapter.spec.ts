import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Request, Response } from 'express';
import { ExpressPrototypesAdapter } from '../../../src/http/express-prototypes.adapter';

/**
 * Concord's HTTP server hands Express requests and responses that already stand on Express's prototypes, so
 * Express's own per-request `Object.setPrototypeOf` changes nothing (docs/benchmarks.md says what it cost).
 */
describe('ExpressPrototypesAdapter', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function serve(
    handler: (req: Request, res: Response, arrived: object | null) => void,
  ): Promise<string> {
    const adapter = new ExpressPrototypesAdapter();
    adapter.initHttpServer({});
    const app = adapter.getInstance<Express>();
    server = adapter.getHttpServer();
    const arrivedWith = new WeakMap<IncomingMessage, object | null>();
    // Runs before Express sees the request: the prototype Node built it with.
    server.prependListener('request', (req: IncomingMessage, _res: ServerResponse) => {
      arrivedWith.set(req, Object.getPrototypeOf(req) as object | null);
    });
    app.get('/probe', (req, res) => handler(req, res, arrivedWith.get(req) ?? null));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe?name=bjensen`;
  }

  it('builds requests and responses on the prototypes Express gives them, so Express changes neither', async () => {
    const url = await serve((req, res, arrived) => {
      res.json({
        requestKeptItsPrototype: Object.getPrototypeOf(req) === arrived,
        responseIsExpress:
          Object.getPrototypeOf(res) === (req.app as Express & { response: object }).response,
      });
    });

    const reply = await fetch(url);

    expect(await reply.json()).toEqual({ requestKeptItsPrototype: true, responseIsExpress: true });
  });

  it("keeps Express's request and response helpers and Node's own behaviour", async () => {
    const url = await serve((req, res) => {
      res
        .status(201)
        .set('X-Probe', req.get('user-agent') ?? 'none')
        .json({ query: req.query, path: req.path });
    });

    const reply = await fetch(url, { headers: { 'user-agent': 'concord-test' } });

    expect(reply.status).toBe(201);
    expect(reply.headers.get('x-probe')).toBe('concord-test');
    expect(await reply.json()).toEqual({ query: { name: 'bjensen' }, path: '/probe' });
  });
});
