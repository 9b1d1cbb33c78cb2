import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { CredentialCache } from './credential.cache';
import { DefaultAdminPasswordWarning } from './default-admin-password';
import { InfoController } from './info.controller';
import { PasswordHasher } from './password.hasher';

export interface AuthModuleOptions {
  /** modules exporting AuthSettings and (optionally) ManagedUserAuthenticator */
  imports?: ModuleMetadata['imports'];
  /**
   * Providers added to this module, after its own: bind AuthSettings and
   * ManagedUserAuthenticator here, or replace PasswordHasher / CredentialCache (tests).
   */
  providers?: Provider[];
}

/**
 * Authentication and authorization for the whole application: registers AuthGuard globally and
 * serves /openidm/info/ping and /openidm/info/login.
 *
 * Needs AuthSettings, and optionally ManagedUserAuthenticator (without it only internal users can
 * log in). Either pass them through forRoot({ imports, providers }) or export them from a
 * @Global() module: the guard resolves them in this module's scope, not in AppModule's.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      controllers: [InfoController],
      providers: [
        PasswordHasher,
        { provide: CredentialCache, useFactory: () => new CredentialCache() },
        Authenticator,
        DefaultAdminPasswordWarning,
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(options.providers ?? []),
      ],
      exports: [Authenticator, CredentialCache, PasswordHasher],
    };
  }
}
