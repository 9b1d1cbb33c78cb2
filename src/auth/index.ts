export { AuthModule, type AuthModuleOptions } from './auth.module';
export { AuthSettings, SELF_SERVICE_PROTECTED_FIELDS, type InternalUser } from './auth.settings';
export { ManagedUserAuthenticator } from './managed-user.authenticator';
export { CredentialCache } from './credential.cache';
export { Authenticator } from './authenticator.service';
export { PasswordHasher } from './password.hasher';
export { Public } from './public.decorator';
export { CurrentPrincipal, principalOf, ROLE_ADMIN, ROLE_AUTHORIZED, type Principal } from './principal';
export {
  hashPassword,
  verifyPassword,
  isHashedPassword,
  type StoredPassword,
  type HashedPassword,
} from './password-hash';
export { isDefaultAdminPassword, DEFAULT_ADMIN_PASSWORD, DEFAULT_ADMIN_USER } from './default-admin-password';
export { runHashPassword } from './hash-password.command';
