import { Injectable } from '@nestjs/common';
import { hashPassword, verifyPassword, type HashedPassword, type StoredPassword } from './password-hash';

/**
 * Injectable face of password-hash.ts, so that tests (and a future hardware-backed hasher) can
 * replace it with `{ provide: PasswordHasher, useValue: ... }` and count how often scrypt runs.
 */
@Injectable()
export class PasswordHasher {
  hash(plain: string): Promise<HashedPassword> {
    return hashPassword(plain);
  }

  verify(plain: string, stored: StoredPassword): Promise<boolean> {
    return verifyPassword(plain, stored);
  }
}
