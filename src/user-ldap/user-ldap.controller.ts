import { All, Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../core/errors/domain-error';
import { UserLdapMappingService, type RelinkedUser } from './user-ldap-mapping.service';
import { UserLdapPullService, type PullResult } from './user-ldap-pull.service';
import { UserLdapQueueService } from './user-ldap-queue.service';

/**
 * Per-user LDAP endpoints (issue 6): pull the linked entry now, re-point the link, queue a push. Admin only: the
 * access rules let a managed user reach `managed/user/<own id>` itself and nothing below it. These paths have
 * more segments than ManagedController's `:type/:id`, so neither controller's routes shadow the other's.
 */
@ApiTags('managed')
@ApiSecurity('openidm-headers')
@Controller('openidm/managed/user/:id/ldap')
export class UserLdapController {
  constructor(
    private readonly pulls: UserLdapPullService,
    private readonly mappings: UserLdapMappingService,
    private readonly queue: UserLdapQueueService,
  ) {}

  @Get('sync')
  pull(@Param('id') id: string): Promise<PullResult> {
    return this.pulls.pull(id);
  }

  @Post('sync')
  @HttpCode(201)
  enqueue(@Param('id') id: string): Promise<{ status: 'queued' }> {
    return this.queue.enqueue(id);
  }

  @Patch('mapping')
  relink(@Param('id') id: string, @Body() body: unknown): Promise<RelinkedUser> {
    return this.mappings.relink(id, body);
  }

  // Declared last: only methods the routes above do not serve reach these.
  @All('sync')
  syncMethodNotAllowed(): never {
    throw new DomainError(
      'METHOD_NOT_ALLOWED',
      'Only GET and POST are allowed on managed/user/<id>/ldap/sync',
    );
  }

  @All('mapping')
  mappingMethodNotAllowed(): never {
    throw new DomainError('METHOD_NOT_ALLOWED', 'Only PATCH is allowed on managed/user/<id>/ldap/mapping');
  }
}
