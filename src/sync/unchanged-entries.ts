import { leavesTargetUnchanged } from '../core/sync/property-mapping';
import type { JsonObject } from '../core/sync/script';
import type { LinkStamp } from '../core/sync/link';
import type { Mapping } from '../core/sync/sync-config.types';
import { unchangedStamp } from '../core/sync/unchanged-stamp';
import type { LinkAccess } from './link-access';
import type { ReconTargets } from './recon-targets';
import type { PlannedOperation, SyncOutcome } from './sync-run';

/**
 * One recon's side of the unchanged stamps (core/sync/unchanged-stamp.ts): it tells the entries whose link
 * carries the stamp of the source's revision and the target's version as they are now, and collects the
 * stamps to store for the entries it found or made in agreement. Source revisions come with the source
 * query (`_rev`), target versions with the target id set, stamps with the link prefetch: no query per entry.
 */
export class UnchangedEntries {
  private pending: LinkStamp[] = [];
  private readonly qualifiers: readonly string[];

  /** `writes`: false in a dry run, which stores nothing, stamps included. */
  constructor(
    private readonly fingerprint: string,
    private readonly mapping: Mapping,
    private readonly links: LinkAccess,
    private readonly targets: ReconTargets,
    private readonly writes: boolean,
  ) {
    this.qualifiers = mapping.linkQualifiers.kind === 'static' ? mapping.linkQualifiers.names : [];
  }

  /**
   * The outcomes of an entry nothing touched since its stamp, one per link qualifier — CONFIRMED, UPDATE,
   * nothing to write, as the full path would conclude — or null to reconcile the entry in full.
   */
  outcomesOf(sourceId: string, source: JsonObject): SyncOutcome[] | null {
    const revision = source['_rev'];
    if (typeof revision !== 'string' || !this.links.anyStamped || this.qualifiers.length === 0) return null;
    const outcomes: SyncOutcome[] = [];
    for (const linkQualifier of this.qualifiers) {
      const linked = this.links.prefetchedStampOf(linkQualifier, sourceId);
      if (linked === null || linked.stamp === '') return null;
      const version = this.targets.versionOf(this.links.normaliseTarget(linked.targetId));
      if (version === null || linked.stamp !== unchangedStamp(this.fingerprint, revision, version))
        return null;
      outcomes.push({
        phase: 'source',
        linkQualifier,
        situation: 'CONFIRMED',
        action: 'UPDATE',
        status: 'SUCCESS',
        sourceId,
        targetId: linked.targetId,
        ambiguousTargetIds: [],
        message: null,
        diff: [],
        linkExisted: true,
        linkCreated: false,
        claimed: [linked.targetId],
      });
    }
    return outcomes;
  }

  /** An UPDATE found source and target in agreement: stamp the link (stored with `flush`). */
  agreed(plan: PlannedOperation): void {
    const revision = plan.source?.['_rev'];
    if (!this.writes || plan.link === null || plan.targetId === null || plan.sourceId === null) return;
    if (typeof revision !== 'string') return;
    // The version as the target query read it: if the target changed since, the stamp is stale next time, never wrong.
    const version = this.targets.versionOf(this.links.normaliseTarget(plan.targetId));
    if (version === null) return;
    const stamp = unchangedStamp(this.fingerprint, revision, version);
    if (this.links.prefetchedStampOf(plan.linkQualifier, plan.sourceId)?.stamp === stamp) return;
    this.pending.push({ linkId: plan.link._id, stamp });
  }

  /**
   * The stamp for the link of a target just created from `source`, at `version`, when the mapping leaves
   * the created target as it is (a target set may have added or changed values while storing it: then the
   * next recon maps and compares, as it would have without stamps). Null when nothing can be said.
   */
  createdStamp(source: JsonObject | null, created: JsonObject, version: string): string | null {
    const revision = source?.['_rev'];
    if (!this.writes || source === null || typeof revision !== 'string') return null;
    if (!leavesTargetUnchanged(this.mapping.properties, created, source)) return null;
    return unchangedStamp(this.fingerprint, revision, version);
  }

  /**
   * Stores the stamps `agreed` collected. A stamp is only ever a shortcut: if storing fails, the entries are
   * reconciled in full next time, and the run goes on (its own writes report the database's failures).
   */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const stamps = this.pending;
    this.pending = [];
    await this.links.stamp(stamps).catch(() => undefined);
  }
}
