import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * Nest's Express adapter, with a server that builds every request and response as an instance of a subclass of
 * Node's own whose prototype Express then uses as `app.request` / `app.response`.
 *
 * Why: Express 5 calls `Object.setPrototypeOf` on the request and the response of every request it handles, and V8
 * gives each object so changed a hidden class of its own. Measured on Node 20 (a bare Express ping at 200/s,
 * `--trace-gc-nvp`): that makes each request allocate half as much again and carries part of its short-lived
 * objects into the old generation, which then needs a major GC every few seconds — the bursts behind implicit
 * sync's p99 (docs/benchmarks.md). With the prototype already in place, Express's call changes nothing and every
 * request shares one hidden class. (A plain constructor function with that prototype is no good either: V8 leaves
 * it too little room for Node's fields and turns each object into a dictionary.)
 */
export class ExpressPrototypesAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // Nest's own server for what Concord does not use (HTTPS, tracking connections to force them closed).
    if (options.httpsOptions || options.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<ExpressPrototypes>();
    class ExpressRequest extends http.IncomingMessage {}
    class ExpressResponse extends http.ServerResponse {}
    Object.setPrototypeOf(ExpressRequest.prototype, app.request);
    Object.setPrototypeOf(ExpressResponse.prototype, app.response);
    app.request = ExpressRequest.prototype;
    app.response = ExpressResponse.prototype;
    this.setHttpServer(
      http.createServer(
        { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse },
        this.getInstance(),
      ),
    );
  }
}

/** The prototypes Express 5 gives every request and response it handles. */
interface ExpressPrototypes {
  request: object;
  response: object;
}
