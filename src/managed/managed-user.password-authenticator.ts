import { timingSafeEqual, createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ManagedUserAuthenticator } from '../auth/managed-user.authenticator';
import { FieldCrypto } from '../security/field-crypto';
import { ManagedObjectStore } from './managed-object.store';
import { parseQueryParams } from '../core/crest/query-params.parser';

/** OpenIDM's MANAGED_USER module: `userName` + the (encrypted) `password` of managed/user, active accounts only. */
@Injectable()
export class ManagedUserPasswordAuthenticator extends ManagedUserAuthenticator {
  constructor(
    private readonly store: ManagedObjectStore,
    private readonly crypto: FieldCrypto,
  ) {
    super();
  }

  async authenticate(userName: string, password: string): Promise<{ id: string } | null> {
    const request = {
      ...parseQueryParams({ _queryFilter: 'true', _pageSize: '2' }),
      filter: { type: 'comparison', operator: 'eq', field: ['userName'], value: userName } as const,
    };
    const page = await this.store.query('user', request);
    const [user] = page.objects;
    if (!user || page.objects.length > 1) return null;
    const status = user.doc.accountStatus;
    if (typeof status === 'string' && status.toLowerCase() !== 'active') return null;
    const stored = user.doc.password;
    if (stored === undefined || stored === null) return null;
    const plain = this.crypto.isEncrypted(stored) ? this.crypto.decrypt(stored) : stored;
    return typeof plain === 'string' && sameSecret(plain, password) ? { id: user.id } : null;
  }
}

/** Compares digests so that neither length nor content leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
