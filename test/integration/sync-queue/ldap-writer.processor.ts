/**
 * A real but deliberately simple ChangeProcessor for delivery tests, standing in for the sync engine: it writes
 * the managed user's CURRENT state (re-read, level-triggered) to `uid=<userName>,ou=People` through the LDAP
 * connector, and deletes that entry for a delete (from the queued last state). It proves delivery end to end
 * without the engine's mappings; every failure (LDAP down → UNAVAILABLE) is left to the queue to retry.
 */
import type { SystemConnector } from '../../../src/connectors/system-connector.port';
import type { JsonObject } from '../../../src/managed/managed-object';
import { ChangeProcessor } from '../../../src/sync-queue/change-processor.port';
import type { ChangeOutcome, QueuedChange } from '../../../src/sync-queue/queued-change';

export const PEOPLE = 'ou=People,dc=example,dc=com';

/** Reads a managed user's current state; null when it no longer exists. */
export type CurrentState = (objectId: string) => Promise<JsonObject | null>;

export class LdapWriterProcessor extends ChangeProcessor {
  /** Every change handed over, in order, with the time its processing started and ended. */
  readonly processed: { change: QueuedChange; start: number; end: number }[] = [];

  constructor(
    private readonly current: CurrentState,
    private readonly ldap: () => SystemConnector,
  ) {
    super();
  }

  async process(change: QueuedChange): Promise<ChangeOutcome> {
    const start = Date.now();
    try {
      const user = await this.current(change.objectId);
      if (user === null) await this.remove(change.lastState);
      else await this.write(user);
      return { status: 'SUCCESS' };
    } finally {
      this.processed.push({ change, start, end: Date.now() });
    }
  }

  private async write(user: JsonObject): Promise<void> {
    const text = (field: string): string => {
      const value = user[field];
      if (typeof value !== 'string') throw new Error(`managed user ${field} is not a string`);
      return value;
    };
    const userName = text('userName');
    const attributes = {
      uid: userName,
      cn: `${text('givenName')} ${text('sn')}`,
      sn: text('sn'),
      givenName: text('givenName'),
      mail: text('mail'),
      ...(typeof user.description === 'string' ? { description: user.description } : {}),
    };
    const existing = await this.find(userName);
    if (existing === null) {
      await this.ldap().create('account', { dn: `uid=${userName},${PEOPLE}`, ...attributes });
      return;
    }
    await this.ldap().patch(
      'account',
      existing,
      Object.entries(attributes).map(([field, value]) => ({ operation: 'replace' as const, field, value })),
    );
  }

  private async remove(lastState: JsonObject | null): Promise<void> {
    const userName = lastState?.userName;
    if (typeof userName !== 'string') return;
    const existing = await this.find(userName);
    if (existing !== null) await this.ldap().delete('account', existing);
  }

  private async find(userName: string): Promise<string | null> {
    for await (const entry of this.ldap().query('account', {
      filter: { type: 'comparison', operator: 'eq', field: ['uid'], value: userName },
      idsOnly: true,
    })) {
      return entry._id;
    }
    return null;
  }
}
