/**
 * LDAP result codes (RFC 4511 §4.1.9) and transport failures → DomainError. The server's diagnostic message goes
 * into `detail` so a 400 tells the caller which attribute or value the directory refused.
 */
import { ResultCodeError } from 'ldapts';
import { DomainError } from '../../core/errors/domain-error';

const BAD_REQUEST_CODES = new Set([
  16, // noSuchAttribute
  17, // undefinedAttributeType
  18, // inappropriateMatching
  19, // constraintViolation
  20, // attributeOrValueExists
  21, // invalidAttributeSyntax
  34, // invalidDNSyntax
  53, // unwillingToPerform (e.g. a password policy refusal)
  64, // namingViolation
  65, // objectClassViolation
  66, // notAllowedOnNonLeaf
  67, // notAllowedOnRDN
  69, // objectClassModsProhibited
]);
const UNAVAILABLE_CODES = new Set([3, 11, 51, 52, 80]); // timeLimit, adminLimit, busy, unavailable, other

export interface LdapErrorContext {
  /** The server URL the operation ran against. */
  readonly url: string;
  /** What was being done, for the message: `read uid=jdoe,…`, `create …`. */
  readonly action: string;
}

export function isResultCodeError(error: unknown): error is ResultCodeError {
  return error instanceof ResultCodeError;
}

/** True for failures of the connection itself (refused, reset, closed, timed out): the connection is discarded. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof DomainError) return error.code === 'UNAVAILABLE';
  return !isResultCodeError(error);
}

export function unavailable(url: string, reason: string): DomainError {
  return new DomainError('UNAVAILABLE', `LDAP server ${url} is unavailable: ${reason}`, { url });
}

/** The socket error code (ECONNREFUSED, ECONNRESET, …) or message. Duck-typed: Node's errors may come from
 * another realm (Jest's VM contexts), where `instanceof Error` is false. */
function transportReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

export function toDomainError(error: unknown, context: LdapErrorContext): Error {
  if (error instanceof DomainError) return error;
  if (!isResultCodeError(error)) return unavailable(context.url, transportReason(error));
  const detail = { ldapResultCode: error.code, diagnostic: error.message, url: context.url };
  const what = `LDAP ${context.action} failed`;
  if (error.code === 32) return new DomainError('NOT_FOUND', `${what}: no such object`, detail);
  if (error.code === 68) return new DomainError('CONFLICT', `${what}: the entry already exists`, detail);
  if (error.code === 50) return new DomainError('FORBIDDEN', `${what}: insufficient access rights`, detail);
  if (error.code === 12)
    return new DomainError('NOT_SUPPORTED', `${what}: unsupported critical control`, detail);
  if (error.code === 49 || error.code === 48) {
    return new DomainError('UNAVAILABLE', `${what}: the server refused the configured credentials`, {
      ldapResultCode: error.code,
      url: context.url,
    });
  }
  if (BAD_REQUEST_CODES.has(error.code))
    return new DomainError('BAD_REQUEST', `${what}: ${error.message}`, detail);
  if (UNAVAILABLE_CODES.has(error.code)) {
    return new DomainError(
      'UNAVAILABLE',
      `LDAP server ${context.url} is unavailable: ${error.message}`,
      detail,
    );
  }
  return new Error(`${what} with result code ${error.code}: ${error.message}`);
}
