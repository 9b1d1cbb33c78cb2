import type { LoggerService } from '@nestjs/common';
import type { InternalUser } from '../../../src/auth/auth.settings';
import { isDefaultAdminPassword } from '../../../src/auth/default-admin-password';
import { hashPassword } from '../../../src/auth/password-hash';
import { createAuthTestApp } from './auth-test-app';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('default admin password', () => {
  it.each<[string, () => Promise<InternalUser[]>, boolean]>([
    [
      'shipped default in clear',
      async () => [{ userName: 'openidm-admin', password: 'openidm-admin', roles: ['openidm-admin'] }],
      true,
    ],
    [
      'shipped default, hashed',
      async () => [
        {
          userName: 'openidm-admin',
          password: await hashPassword('openidm-admin', CHEAP),
          roles: ['openidm-admin'],
        },
      ],
      true,
    ],
    [
      'changed, in clear',
      async () => [{ userName: 'openidm-admin', password: 'Xq9!long', roles: ['openidm-admin'] }],
      false,
    ],
    [
      'changed, hashed',
      async () => [
        {
          userName: 'openidm-admin',
          password: await hashPassword('Xq9!long', CHEAP),
          roles: ['openidm-admin'],
        },
      ],
      false,
    ],
    [
      'another admin user with the default password',
      async () => [{ userName: 'root', password: 'openidm-admin', roles: ['openidm-admin'] }],
      true,
    ],
    [
      'a non-admin with that password',
      async () => [{ userName: 'anonymous', password: 'openidm-admin', roles: ['openidm-reg'] }],
      false,
    ],
    ['no users', async () => [], false],
  ])('%s -> %s', async (_case, users, expected) => {
    await expect(isDefaultAdminPassword(await users())).resolves.toBe(expected);
  });

  it('warns at start while the default is in use, and not otherwise', async () => {
    const start = async (password: string) => {
      const warnings: string[] = [];
      const logger: LoggerService = {
        log: () => {},
        error: () => {},
        warn: (message: unknown) => warnings.push(String(message)),
      };
      const app = await createAuthTestApp({
        users: [{ userName: 'openidm-admin', password, roles: ['openidm-admin'] }],
        logger,
      });
      await app.close();
      return warnings;
    };
    const withDefault = await start('openidm-admin');
    expect(withDefault).toHaveLength(1);
    expect(withDefault[0]).toContain('admin password is still the default');
    await expect(start('Xq9!long')).resolves.toEqual([]);
  });
});
