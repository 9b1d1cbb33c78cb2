import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'concord:public-route';

/** `true`, or a condition evaluated per request (for endpoints whose exposure is an operator's choice). */
export type PublicRoute = true | (() => boolean);

/**
 * Marks a handler or controller as reachable without credentials. With `when`, the route is
 * public only while `when()` returns true; otherwise the usual rules (admin only) apply.
 */
export const Public = (when?: () => boolean): MethodDecorator & ClassDecorator =>
  SetMetadata<string, PublicRoute>(PUBLIC_ROUTE, when ?? true);
