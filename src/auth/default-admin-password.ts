import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuthSettings, type InternalUser } from './auth.settings';
import { PasswordHasher } from './password.hasher';
import { verifyPassword } from './password-hash';
import { ROLE_ADMIN } from './principal';

/** OpenIDM ships `openidm-admin` / `openidm-admin`; anyone who has read the docs knows it. */
export const DEFAULT_ADMIN_USER = 'openidm-admin';
export const DEFAULT_ADMIN_PASSWORD = 'openidm-admin';

/**
 * True when some admin user (the `openidm-admin` user, or any user with that role) still accepts
 * the shipped default password, whether configured in clear or hashed.
 */
export async function isDefaultAdminPassword(
  users: readonly InternalUser[],
  verify: (plain: string, stored: InternalUser['password']) => Promise<boolean> = verifyPassword,
): Promise<boolean> {
  const admins = users.filter(
    (user) => user.userName === DEFAULT_ADMIN_USER || user.roles.includes(ROLE_ADMIN),
  );
  for (const admin of admins) {
    if (await verify(DEFAULT_ADMIN_PASSWORD, admin.password)) {
      return true;
    }
  }
  return false;
}

/** Logs a warning at start while the default admin password is in use (issue 3, item 6). */
@Injectable()
export class DefaultAdminPasswordWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly settings: AuthSettings,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (
      await isDefaultAdminPassword(this.settings.internalUsers, (plain, stored) =>
        this.hasher.verify(plain, stored),
      )
    ) {
      this.logger.warn(
        `The admin password is still the default '${DEFAULT_ADMIN_PASSWORD}': change it in config/authentication.json ` +
          '(a hash from `concord hash-password`) before exposing this server.',
      );
    }
  }
}
