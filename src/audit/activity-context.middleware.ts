import { randomUUID } from 'node:crypto';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { principalOf } from '../auth/principal';
import { withActivityContext, type ActivityContext } from './activity-context';

/** A transaction id a client may send to tie its calls together in the audit (ForgeRock's header). */
const TRANSACTION_HEADER = 'x-forgerock-transactionid';
const TRANSACTION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * A request's activity context. The guard authenticates after middleware has run, so the user is looked up when
 * first asked for (by then the guard has run) and the request let go of then: a recon a request starts keeps its
 * context for as long as it runs, and must not keep the request with it. A getter of an object literal is an own
 * enumerable property, so copies of the context (`{ ...context }`) carry `userId` too.
 */
function requestActivity(request: Request, transactionId: string): ActivityContext {
  let pending: Request | undefined = request;
  let user: string | undefined;
  // req.id: given by the request-log middleware, which runs first.
  const requestId = (request as Request & { id?: unknown }).id;
  return {
    transactionId,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    get userId(): string {
      if (user === undefined) {
        user = (pending && principalOf(pending)?.userName) ?? 'anonymous';
        pending = undefined;
      }
      return user;
    },
  };
}

/**
 * Gives each HTTP request its activity context: the authenticated user and a transaction id. Middleware rather
 * than an interceptor: Nest binds every intercepted handler to a new AsyncResource, whose deprecated-getter
 * wrapper cost each request kilobytes that outlived young-generation collections (measured: a third of what a
 * `GET /openidm/info/ping` left to the old generation). Runs after the body is read, so that the
 * handler is called within the context (a stream's callbacks run in the context the socket was made in).
 */
@Injectable()
export class ActivityContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const sent = req.headers[TRANSACTION_HEADER];
    const transactionId = typeof sent === 'string' && TRANSACTION_ID.test(sent) ? sent : randomUUID();
    withActivityContext(requestActivity(req, transactionId), next);
  }
}
