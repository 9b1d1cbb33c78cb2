import { randomUUID } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { principalOf } from '../auth/principal';
import { withActivityContext } from './activity-context';

/** A transaction id a client may send to tie its calls together in the audit (ForgeRock's header). */
const TRANSACTION_HEADER = 'x-forgerock-transactionid';
const TRANSACTION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives each HTTP request its activity context: the authenticated user and a transaction id. Runs after the
 * guard, so the principal is known; Nest binds the handler to the async context `next.handle()` is called in.
 */
@Injectable()
export class ActivityContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const sent = request.headers[TRANSACTION_HEADER];
    const transactionId = typeof sent === 'string' && TRANSACTION_ID.test(sent) ? sent : randomUUID();
    const userId = principalOf(request)?.userName ?? 'anonymous';
    return withActivityContext({ userId, transactionId }, () => next.handle());
  }
}
