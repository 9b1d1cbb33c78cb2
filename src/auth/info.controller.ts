import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from './principal';
import { Public } from './public.decorator';
import { DomainError } from '../core/errors/domain-error';

export interface LoginInfo {
  _id: 'login';
  authenticationId: string;
  authorization: {
    id: string;
    component: 'internal/user' | 'managed/user';
    roles: string[];
    moduleId: 'INTERNAL_USER' | 'MANAGED_USER';
  };
}

/** OpenIDM's `info` endpoints: liveness for clients (`ping`) and "who am I" (`login`). */
@Controller('openidm/info')
export class InfoController {
  @Public()
  @Get('ping')
  ping(): { _id: ''; state: 'ACTIVE_READY'; shortDesc: 'OpenIDM ready' } {
    return { _id: '', state: 'ACTIVE_READY', shortDesc: 'OpenIDM ready' };
  }

  @Get('login')
  login(@CurrentPrincipal() principal: Principal | undefined): LoginInfo {
    if (principal === undefined) {
      // Only reachable if the guard is not installed; never answer as somebody.
      throw new DomainError('UNAUTHORIZED', 'Access Denied');
    }
    const managed = principal.managedUserId !== undefined;
    return {
      _id: 'login',
      authenticationId: principal.userName,
      authorization: {
        id: principal.managedUserId ?? principal.userName,
        component: managed ? 'managed/user' : 'internal/user',
        roles: [...principal.roles],
        moduleId: managed ? 'MANAGED_USER' : 'INTERNAL_USER',
      },
    };
  }
}
