import { randomBytes } from 'node:crypto';

/** A managed/user body as a client would POST it. */
export interface ManagedUserBody {
  userName: string;
  givenName: string;
  sn: string;
  mail: string;
  password?: string;
  [property: string]: unknown;
}

let sequence = 0;

/** Unique per call and per test process, so tests sharing one repository never collide on `userName`. */
function uniqueSuffix(): string {
  sequence += 1;
  return `${sequence}${randomBytes(3).toString('hex')}`;
}

/**
 * Valid bodies by default; pass properties to override or add (`undefined` removes one). Overrides may have any
 * type, so that tests can send what the schema refuses (`{givenName: 42}`).
 */
export const factory = {
  managedUser(overrides: Record<string, unknown> = {}): ManagedUserBody {
    const suffix = uniqueSuffix();
    const user = {
      userName: `user${suffix}`,
      givenName: 'Test',
      sn: `User${suffix}`,
      mail: `user${suffix}@example.com`,
      ...overrides,
    } as ManagedUserBody;
    for (const [key, value] of Object.entries(user)) if (value === undefined) delete user[key];
    return user;
  },

  role(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: `role${uniqueSuffix()}`, ...overrides };
  },
};
