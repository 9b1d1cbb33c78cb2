import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../core/errors/domain-error';
import { decideAccess } from './access.rules';
import { AuthSettings, SELF_SERVICE_PROTECTED_FIELDS } from './auth.settings';
import { Authenticator } from './authenticator.service';
import { extractCredentials } from './credentials';
import { PUBLIC_ROUTE, type PublicRoute } from './public.decorator';
import type { RequestWithPrincipal } from './principal';

/**
 * Global guard (APP_GUARD): every route needs credentials unless marked `@Public()`.
 * No or wrong credentials: 401. Authenticated but not allowed by access.rules.ts: 403.
 * Guards run after routing, so unknown paths still answer 404 without credentials.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly protectedFields: readonly string[];

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    settings: AuthSettings,
  ) {
    this.protectedFields = settings.selfServiceProtectedFields ?? SELF_SERVICE_PROTECTED_FIELDS;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const publicRoute = this.reflector.getAllAndOverride<PublicRoute | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (publicRoute === true || (typeof publicRoute === 'function' && publicRoute())) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const credentials = extractCredentials(request.headers);
    if (credentials === null) {
      throw new DomainError('UNAUTHORIZED', 'Access Denied');
    }
    const principal = await this.authenticator.authenticate(credentials.userName, credentials.password);
    if (principal === null) {
      throw new DomainError('UNAUTHORIZED', 'Access Denied');
    }
    request.principal = principal;
    const decision = decideAccess(
      principal,
      {
        method: request.method,
        path: request.path,
        action: actionOf(request.query),
        body: request.body as unknown,
      },
      this.protectedFields,
    );
    if (!decision.allowed) {
      throw new DomainError('FORBIDDEN', 'Access denied');
    }
    return true;
  }
}

function actionOf(query: unknown): string | string[] | undefined {
  const action = (query as Record<string, unknown> | undefined)?.['_action'];
  if (typeof action === 'string') {
    return action;
  }
  return Array.isArray(action) ? action.map(String) : undefined;
}
