import {
  Global,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AuthSettings } from './auth/auth.settings';
import { CredentialCache } from './auth/credential.cache';
import { ManagedUserAuthenticator } from './auth/managed-user.authenticator';
import type { LoadedProject } from './config/loaded-project';
import type { ManagedTypeSchema } from './core/managed/managed-schema';
import { ApiDocs, ApiDocsController } from './http/api-docs.controller';
import { CrestExceptionFilter } from './http/crest-exception.filter';
import { ActivityContextMiddleware } from './audit/activity-context.middleware';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { ManagedController } from './http/managed.controller';
import { IdGenerator, RandomUuidGenerator } from './managed/id-generator';
import { ManagedObjectStore } from './managed/managed-object.store';
import { ManagedTypes } from './managed/managed-types';
import { ManagedUserPasswordAuthenticator } from './managed/managed-user.password-authenticator';
import { ManagedService } from './managed/managed.service';
import { HealthIndicators } from './observability/health.indicators';
import { HealthModule } from './observability/health.module';
import { LoggingModule } from './observability/logging.module';
import { MetricsModule } from './observability/metrics.module';
import { ManagedObjectRepository } from './persistence/managed-object.repository';
import { SqlDatabase } from './persistence/sql-database';
import { DatabaseLifecycle } from './persistence/database.lifecycle';
import { EmbeddedStatistics } from './persistence/embedded-statistics';
import { FieldCrypto } from './security/field-crypto';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SyncModule } from './sync/sync.module';
import { SyncDeliveryModule } from './sync-queue/sync-delivery.module';
import { SystemModule } from './system/system.module';
import { UserLdapModule } from './user-ldap/user-ldap.module';

/** What the running process has opened before Nest starts: the validated project, the database, the key. */
export interface AppContext {
  readonly project: LoadedProject;
  readonly managedTypes: readonly ManagedTypeSchema[];
  readonly db: SqlDatabase;
  readonly crypto: FieldCrypto;
  readonly logDestination?: NodeJS.WritableStream;
}

/** One login cache for the guard (AuthModule) and for ManagedService, which evicts a user's logins when it changes. */
type ContextWithLogins = AppContext & { readonly logins: CredentialCache };

/** The project's shared services, global so that AuthModule and HealthModule resolve their ports from here. */
@Global()
@Module({})
class ProjectModule {
  static forContext(context: ContextWithLogins): DynamicModule {
    return {
      module: ProjectModule,
      providers: [
        { provide: CredentialCache, useValue: context.logins },
        { provide: SqlDatabase, useValue: context.db },
        { provide: FieldCrypto, useValue: context.crypto },
        { provide: ManagedTypes, useValue: new ManagedTypes(context.managedTypes) },
        { provide: IdGenerator, useClass: RandomUuidGenerator },
        { provide: ManagedObjectStore, useClass: ManagedObjectRepository },
        ManagedService,
        DatabaseLifecycle,
        EmbeddedStatistics,
        { provide: AuthSettings, useValue: { internalUsers: context.project.authentication.internalUsers } },
        { provide: ManagedUserAuthenticator, useClass: ManagedUserPasswordAuthenticator },
        {
          provide: HealthIndicators,
          useFactory: (db: SqlDatabase): HealthIndicators => ({
            indicators: [{ name: 'repository', check: () => db.query('SELECT 1').then(() => undefined) }],
          }),
          inject: [SqlDatabase],
        },
      ],
      exports: [
        CredentialCache,
        SqlDatabase,
        FieldCrypto,
        ManagedTypes,
        IdGenerator,
        ManagedObjectStore,
        ManagedService,
        AuthSettings,
        ManagedUserAuthenticator,
        HealthIndicators,
      ],
    };
  }
}

@Module({})
export class AppModule implements NestModule {
  static forContext(context: AppContext): DynamicModule {
    const logins = new CredentialCache();
    return {
      module: AppModule,
      imports: [
        ProjectModule.forContext({ ...context, logins }),
        LoggingModule.forRoot(context.logDestination ? { destination: context.logDestination } : {}),
        MetricsModule,
        AuthModule.forRoot({ providers: [{ provide: CredentialCache, useValue: logins }] }),
        HealthModule.forRoot(),
        SystemModule.forProject(context.project),
        AuditModule.forProject(context.project),
        SyncModule.forProject(context.project),
        SyncDeliveryModule.forProject(context.project),
        SchedulerModule.forProject(context.project),
        UserLdapModule,
      ],
      controllers: [ManagedController, ApiDocsController],
      providers: [ApiDocs, { provide: APP_FILTER, useClass: CrestExceptionFilter }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // In this order: the activity context must be entered after the body is read (see ActivityContextMiddleware).
    consumer
      .apply(JsonBodyMiddleware, ActivityContextMiddleware)
      .forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}
