import { Body, Controller, Delete, Get, Module, Param, Patch, Post, Put } from '@nestjs/common';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { AuthModule } from '../../../src/auth/auth.module';
import { AuthSettings, type InternalUser } from '../../../src/auth/auth.settings';
import { ManagedUserAuthenticator } from '../../../src/auth/managed-user.authenticator';
import { PasswordHasher } from '../../../src/auth/password.hasher';
import type { StoredPassword } from '../../../src/auth/password-hash';
import { CurrentPrincipal, type Principal } from '../../../src/auth/principal';
import { Public } from '../../../src/auth/public.decorator';
import { CrestExceptionFilter } from '../../../src/http/crest-exception.filter';

/** Stands in for the managed-object controller: echoes who called which operation. */
@Controller('openidm/managed/user')
export class DummyManagedUserController {
  @Get()
  query(@CurrentPrincipal() principal: Principal) {
    return { op: 'query', by: principal.userName };
  }

  @Post()
  create(@CurrentPrincipal() principal: Principal) {
    return { op: 'create', by: principal.userName };
  }

  @Get(':id')
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return { op: 'read', id, by: principal.userName };
  }

  @Put(':id')
  update(@Param('id') id: string) {
    return { op: 'update', id };
  }

  @Patch(':id')
  patch(@Param('id') id: string, @Body() body: unknown) {
    return { op: 'patch', id, body };
  }

  @Post(':id')
  action(@Param('id') id: string) {
    return { op: 'action', id };
  }

  @Delete(':id')
  remove(@Param('id') id: string) {
    return { op: 'delete', id };
  }
}

@Controller('openidm/config')
export class DummyConfigController {
  @Get()
  read() {
    return { op: 'config' };
  }

  @Public()
  @Get('public')
  open(@CurrentPrincipal() principal: Principal | undefined) {
    return { op: 'public', principal: principal ?? null };
  }
}

/** Managed users kept in memory: the port's contract, without a database. */
export class InMemoryManagedUsers extends ManagedUserAuthenticator {
  calls = 0;

  constructor(private readonly users: Record<string, { id: string; password: string }>) {
    super();
  }

  async authenticate(userName: string, password: string): Promise<{ id: string } | null> {
    this.calls += 1;
    const user = this.users[userName];
    return user !== undefined && user.password === password ? { id: user.id } : null;
  }
}

/** Counts scrypt runs so cache tests do not depend on timing. */
export class CountingHasher extends PasswordHasher {
  verifications = 0;

  override verify(plain: string, stored: StoredPassword): Promise<boolean> {
    this.verifications += 1;
    return super.verify(plain, stored);
  }
}

export interface AuthTestAppOptions {
  users: InternalUser[];
  managedUsers?: ManagedUserAuthenticator;
  hasher?: PasswordHasher;
  selfServiceProtectedFields?: string[];
  imports?: (Type | DynamicModule)[];
  controllers?: Type[];
  providers?: Provider[];
  /** Nest's logger; silent by default */
  logger?: LoggerService;
}

export async function createAuthTestApp(options: AuthTestAppOptions): Promise<INestApplication> {
  const authProviders: Provider[] = [
    {
      provide: AuthSettings,
      useValue: {
        internalUsers: options.users,
        selfServiceProtectedFields: options.selfServiceProtectedFields,
      },
    },
  ];
  if (options.managedUsers) {
    authProviders.push({ provide: ManagedUserAuthenticator, useValue: options.managedUsers });
  }
  if (options.hasher) {
    authProviders.push({ provide: PasswordHasher, useValue: options.hasher });
  }

  @Module({
    imports: [...(options.imports ?? []), AuthModule.forRoot({ providers: authProviders })],
    controllers: [DummyManagedUserController, DummyConfigController, ...(options.controllers ?? [])],
    providers: [{ provide: APP_FILTER, useClass: CrestExceptionFilter }, ...(options.providers ?? [])],
  })
  class AuthTestAppModule {}

  const app = await NestFactory.create(AuthTestAppModule, { logger: options.logger ?? false });
  await app.init();
  return app;
}

export const ADMIN: InternalUser = {
  userName: 'openidm-admin',
  password: 'admin-secret',
  roles: ['openidm-admin'],
};

export function basic(userName: string, password: string): string {
  return `Basic ${Buffer.from(`${userName}:${password}`).toString('base64')}`;
}
