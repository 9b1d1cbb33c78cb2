/**
 * Port for logging in as a managed user (role `openidm-authorized`). The managed-object module
 * implements it (find the user by `userName`, check the stored password and that the account is
 * active) and binds it with `{ provide: ManagedUserAuthenticator, useClass: ... }`.
 */
export abstract class ManagedUserAuthenticator {
  /** The managed user's `_id` when `password` is right, otherwise null. */
  abstract authenticate(userName: string, password: string): Promise<{ id: string } | null>;
}
