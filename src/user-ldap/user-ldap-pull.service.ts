import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { activityContext } from '../audit/activity-context';
import { conflict } from '../core/errors/domain-error';
import type { Mapping } from '../core/sync/sync-config.types';
import { planUpdate } from '../core/sync/target-plan';
import type { JsonObject, JsonValue } from '../managed/managed-object';
import type { ManagedResource } from '../managed/managed.service';
import { ObjectSets } from '../sync/object-sets';
import { AuditStore, type AuditEvent } from '../sync/ports/audit.store';
import type { SyncOutcome } from '../sync/sync-run';
import { syncAuditEvent } from '../sync/sync-audit-event';
import { SyncService } from '../sync/sync.service';
import { LdapLinkLocator, MANAGED_USERS } from './ldap-link.locator';

/** One property of the managed user that the pull changed. */
export interface PropertyChange {
  readonly field: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
}

export interface PullResult {
  readonly status: 'SUCCESS';
  readonly message: string;
  readonly data: ManagedResource;
  readonly changes: PropertyChange[];
}

/**
 * `GET managed/user/<id>/ldap/sync`: the user's linked LDAP entry goes through the inbound mapping now, as a
 * live-sync change of that one entry would (SyncService.syncSourceChange: situation, policy, action, links).
 */
@Injectable()
export class UserLdapPullService {
  private readonly logger = new Logger('UserLdapPull');

  constructor(
    private readonly locator: LdapLinkLocator,
    private readonly sets: ObjectSets,
    private readonly sync: SyncService,
    private readonly audit: AuditStore,
  ) {}

  async pull(userId: string): Promise<PullResult> {
    const before = await this.locator.user(userId);
    const { mapping, ldapId } = await this.locator.linkOf(userId);
    if (ldapId === null) {
      throw conflict(`${MANAGED_USERS}/${userId} has no LDAP link (mapping ${mapping.name})`, {
        mapping: mapping.name,
      });
    }
    // Read first: an unreachable directory is a 503 here, and a vanished entry must not make this pull delete
    // the user (SOURCE_MISSING → DELETE); that is a reconciliation's decision.
    const entry = await this.sets.get(mapping.source).read(ldapId);
    if (entry === null) {
      throw conflict(
        `The LDAP entry ${mapping.source}/${ldapId} linked to ${MANAGED_USERS}/${userId} no longer exists`,
        { mapping: mapping.name, sourceId: ldapId },
      );
    }
    const outcomes = await this.sync.syncSourceChange({ mapping: mapping.name, sourceId: ldapId });
    await this.record(mapping, outcomes);
    const failed = outcomes.find((outcome) => outcome.status === 'FAILURE');
    if (failed !== undefined) throw conflict(failed.message ?? `Sync of ${mapping.source}/${ldapId} failed`);
    const after = await this.locator.user(userId);
    const changes = propertyChanges(before, after);
    const steps = outcomes.map((o) => `${o.situation ?? '?'} → ${o.action ?? '?'}`).join(', ');
    return {
      status: 'SUCCESS',
      message:
        `Synchronized ${mapping.source}/${ldapId} into ${MANAGED_USERS}/${userId} (${steps}): ` +
        (changes.length === 0 ? 'no changes' : `${changes.length} changed`),
      data: after,
      changes,
    };
  }

  /** One `audit/sync` event per operation, as implicit and live sync write them (§9). */
  private async record(mapping: Mapping, outcomes: readonly SyncOutcome[]): Promise<void> {
    const context = activityContext();
    const transactionId = context?.transactionId ?? randomUUID();
    const batch = randomUUID();
    const userId = context?.userId ?? 'system';
    const events: AuditEvent[] = outcomes.map((outcome, index) =>
      syncAuditEvent(mapping, outcome, { eventId: `${batch}-${index}`, transactionId, userId }),
    );
    try {
      await this.audit.append('sync', events);
    } catch (error) {
      this.logger.warn(`audit/sync write failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The user's properties that differ before and after (not `_rev`), leaf by leaf: `/mail`, `/address/city`. */
export function propertyChanges(before: ManagedResource, after: ManagedResource): PropertyChange[] {
  return planUpdate(withoutMetadata(before), withoutMetadata(after)).diff.map((change) => ({
    field: change.field,
    before: (change.before ?? null) as JsonValue,
    after: (change.after ?? null) as JsonValue,
  }));
}

function withoutMetadata(resource: ManagedResource): JsonObject {
  const { _id: _ignoredId, _rev: _ignoredRev, ...rest } = resource;
  return rest;
}
