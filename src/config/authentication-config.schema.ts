import { z } from 'zod';
import { booleanLike, intLike, looseObject, nonEmptyString, uniqueBy, whenArray } from './schema.helpers';

/**
 * `authentication.json`: OpenIDM's `serverAuthContext` (session module and auth modules such as INTERNAL_USER,
 * MANAGED_USER, PASSTHROUGH) plus Concord's `internalUsers`, which OpenIDM keeps in its repository instead.
 * A password is either clear text (usually `&{openidm.admin.password|...}`) or an scrypt hash.
 */

const scryptHash = z.strictObject({
  algorithm: z.literal('scrypt', { error: 'expected "scrypt"' }),
  salt: nonEmptyString('a base64 salt'),
  hash: nonEmptyString('a base64 hash'),
  N: intLike(2, 2 ** 30).optional(),
  r: intLike(1, 1024).optional(),
  p: intLike(1, 1024).optional(),
});

const password = z.union([nonEmptyString('a non-empty password'), z.strictObject({ $hash: scryptHash })], {
  error: 'expected a password string or {"$hash": {"algorithm": "scrypt", "salt": ..., "hash": ...}}',
});

const internalUser = z.strictObject({
  userName: nonEmptyString('a user name'),
  password,
  roles: z.array(nonEmptyString('a role name')),
});

const authModule = looseObject({
  name: nonEmptyString('an auth module name (INTERNAL_USER, MANAGED_USER, PASSTHROUGH, ...)'),
  enabled: booleanLike().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const authenticationConfigSchema = looseObject({
  serverAuthContext: looseObject({
    sessionModule: looseObject({
      name: z.string().optional(),
      properties: z.record(z.string(), z.unknown()).optional(),
    }).optional(),
    authModules: z.array(authModule).optional(),
  }).optional(),
  internalUsers: z.array(internalUser).superRefine(uniqueBy('userName', 'user name'), whenArray).optional(),
});

export type AuthenticationFile = z.output<typeof authenticationConfigSchema>;
export type InternalUser = z.output<typeof internalUser>;

/** What the server gets: the file's content with the internal users settled. */
export interface AuthenticationConfig {
  readonly serverAuthContext?: AuthenticationFile['serverAuthContext'];
  readonly internalUsers: readonly InternalUser[];
  /** `openidm-admin` still has the well-known password `openidm-admin`: the server should warn loudly. */
  readonly adminPasswordIsDefault: boolean;
}

export const DEFAULT_ADMIN_USER_NAME = 'openidm-admin';
export const DEFAULT_ADMIN_PASSWORD = 'openidm-admin';
/** The property a deployment sets (OPENIDM_ADMIN_PASSWORD or boot.properties) to change the default admin's password. */
export const ADMIN_PASSWORD_PROPERTY = 'openidm.admin.password';

/** Used when there is no authentication.json or it declares no internal users, as in OpenIDM's samples. */
export const DEFAULT_INTERNAL_USERS_TEMPLATE = [
  {
    userName: DEFAULT_ADMIN_USER_NAME,
    password: `&{${ADMIN_PASSWORD_PROPERTY}|${DEFAULT_ADMIN_PASSWORD}}`,
    roles: ['openidm-admin', 'openidm-authorized'],
  },
];

export function settleAuthentication(
  file: AuthenticationFile | undefined,
  defaultUsers: InternalUser[],
): AuthenticationConfig {
  const internalUsers =
    file?.internalUsers && file.internalUsers.length > 0 ? file.internalUsers : defaultUsers;
  const adminPasswordIsDefault = internalUsers.some(
    (user) => user.userName === DEFAULT_ADMIN_USER_NAME && user.password === DEFAULT_ADMIN_PASSWORD,
  );
  return { serverAuthContext: file?.serverAuthContext, internalUsers, adminPasswordIsDefault };
}
