import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

export const ROLE_ADMIN = 'openidm-admin';
export const ROLE_AUTHORIZED = 'openidm-authorized';

/** Who made the request, as established by AuthGuard. */
export interface Principal {
  /** the name given at login (internal user name or managed user's userName) */
  userName: string;
  roles: readonly string[];
  /** `_id` of the managed/user record when a managed user logged in */
  managedUserId?: string;
}

/** The slot AuthGuard fills on the express request. */
export interface RequestWithPrincipal {
  principal?: Principal;
}

export function principalOf(request: unknown): Principal | undefined {
  return (request as RequestWithPrincipal).principal;
}

/**
 * Handler parameter holding the authenticated principal; undefined on `@Public()` routes.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    principalOf(context.switchToHttp().getRequest()),
);
