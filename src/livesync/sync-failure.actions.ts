import { Injectable, Logger } from '@nestjs/common';
import type { SyncDelta } from '../connectors/system-connector.port';
import type { JsonObject } from '../managed/managed-object';
import type { LiveSyncSource } from './live-sync-source';
import { RETRY_FOREVER, type PostRetryAction, type SyncFailurePolicy } from './sync-failure.policy';
import { SyncFailureScript } from './sync-failure.script';
import { SynchronisationStore } from './synchronisation.store';

/** The `syncFailureHandler` of each connected system, by name (`ldap`), as read from the provisioner files. */
export class SyncFailurePolicies {
  constructor(private readonly bySystem: ReadonlyMap<string, SyncFailurePolicy>) {}

  of(system: string): SyncFailurePolicy {
    return this.bySystem.get(system) ?? RETRY_FOREVER;
  }
}

/** What live sync does with a change it gives up on (§5.3). */
@Injectable()
export class SyncFailureActions {
  private readonly logger = new Logger('LiveSyncFailure');

  constructor(
    private readonly policies: SyncFailurePolicies,
    private readonly stages: SynchronisationStore,
    private readonly script: SyncFailureScript,
  ) {}

  policyOf(system: string): SyncFailurePolicy {
    return this.policies.of(system);
  }

  async apply(
    action: PostRetryAction,
    source: LiveSyncSource,
    delta: SyncDelta,
    cause: string,
  ): Promise<void> {
    const record: JsonObject = {
      token: delta.token,
      systemIdentifier: source.system,
      objectType: source.objectType,
      uid: delta.id,
      failedRecord: JSON.stringify({ type: delta.type, object: delta.object }),
      failureCause: cause,
    };
    switch (action.kind) {
      case 'logged-ignore':
        this.logger.warn(
          `Live sync of ${source.path} skips ${delta.type} ${delta.id} (token ${delta.token}): ${cause}`,
        );
        return;
      case 'dead-letter-queue':
        await this.stages.write('deadLetterQueue', `${source.system}/${delta.token}`, record);
        this.logger.warn(
          `Live sync of ${source.path} put ${delta.type} ${delta.id} in the dead-letter queue: ${cause}`,
        );
        return;
      case 'script': {
        // A throwing script fails the change again: the token stays and the next run retries it.
        const delegated = await this.script.run(
          action.script,
          { syncFailure: record, failureCause: cause },
          source.path,
        );
        if (delegated !== null) await this.apply({ kind: delegated }, source, delta, cause);
        return;
      }
    }
  }
}
