import type { StoredPassword } from './password-hash';

export interface InternalUser {
  userName: string;
  password: StoredPassword;
  roles: readonly string[];
}

/**
 * What the auth module needs from config/authentication.json. The config loader owns parsing;
 * the application binds the parsed value with `{ provide: AuthSettings, useValue: ... }`.
 */
export abstract class AuthSettings {
  abstract readonly internalUsers: readonly InternalUser[];
  /**
   * Top-level properties of managed/user a user may not change on its own record (self-service
   * PATCH). Defaults to SELF_SERVICE_PROTECTED_FIELDS; OpenIDM's equivalent is `userEditable: false`.
   */
  abstract readonly selfServiceProtectedFields?: readonly string[];
}

/**
 * Properties that decide what a user may do or whether it may log in at all; letting the user
 * patch them would be a privilege escalation. `_id`/`_rev` are metadata.
 */
export const SELF_SERVICE_PROTECTED_FIELDS: readonly string[] = [
  '_id',
  '_rev',
  'accountStatus',
  'authzRoles',
  'roles',
  'effectiveRoles',
  'effectiveAssignments',
  'manager',
  'reports',
];
