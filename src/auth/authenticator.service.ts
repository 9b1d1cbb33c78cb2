import { Injectable, Optional } from '@nestjs/common';
import { AuthSettings } from './auth.settings';
import { CredentialCache } from './credential.cache';
import { ManagedUserAuthenticator } from './managed-user.authenticator';
import { PasswordHasher } from './password.hasher';
import { ROLE_AUTHORIZED, type Principal } from './principal';

/**
 * Turns credentials into a Principal: internal users from config first, then managed users
 * (as OpenIDM tries its INTERNAL_USER then MANAGED_USER modules). Successful results are cached
 * (CredentialCache) and concurrent checks of the same credentials share one verification.
 */
@Injectable()
export class Authenticator {
  private readonly inFlight = new Map<string, Promise<Principal | null>>();

  constructor(
    private readonly settings: AuthSettings,
    private readonly hasher: PasswordHasher,
    private readonly cache: CredentialCache,
    @Optional() private readonly managedUsers?: ManagedUserAuthenticator,
  ) {}

  async authenticate(userName: string, password: string): Promise<Principal | null> {
    const key = this.cache.keyOf(userName, password);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) {
      return pending;
    }
    const verification = this.verify(userName, password)
      .then((principal) => {
        if (principal !== null) {
          this.cache.set(key, principal);
        }
        return principal;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, verification);
    return verification;
  }

  private async verify(userName: string, password: string): Promise<Principal | null> {
    const internal = this.settings.internalUsers.find((user) => user.userName === userName);
    if (internal !== undefined && (await this.hasher.verify(password, internal.password))) {
      return { userName, roles: [...internal.roles] };
    }
    const managed = await this.managedUsers?.authenticate(userName, password);
    if (managed) {
      return { userName, roles: [ROLE_AUTHORIZED], managedUserId: managed.id };
    }
    return null;
  }
}
