import { Module } from '@nestjs/common';
import { LdapLinkLocator } from './ldap-link.locator';
import { UserLdapController } from './user-ldap.controller';
import { UserLdapMappingService } from './user-ldap-mapping.service';
import { UserLdapPullService } from './user-ldap-pull.service';
import { UserLdapQueueService } from './user-ldap-queue.service';

/**
 * `managed/user/<id>/ldap/{sync,mapping}`. Everything it uses comes from global modules: ManagedService and
 * SqlDatabase (project), the engine's SyncService, SyncMappings and ObjectSets (SyncModule), LinkStore and
 * AuditStore (AuditModule), ChangeQueueStore and ChangeDelivery (SyncDeliveryModule).
 */
@Module({
  controllers: [UserLdapController],
  providers: [LdapLinkLocator, UserLdapPullService, UserLdapMappingService, UserLdapQueueService],
})
export class UserLdapModule {}
