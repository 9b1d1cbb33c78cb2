import { leavesTargetUnchanged } from '../core/sync/property-mapping';
import { sourceFieldsRead } from '../core/sync/source-fields';
import type { JsonObject } from '../core/sync/script';
import type { LinkStamp } from '../core/sync/link';
import type { Mapping } from '../core/sync/sync-config.types';
import {
  unchangedStampCheck,
  unchangedStamper,
  type UnchangedStampCheck,
} from '../core/sync/unchanged-stamp';
import type { LinkAccess } from './link-access';
import type { ReconTargetSet } from './recon-targets';
import type { ObjectSet } from './object-sets';
import type { SourceItem } from './recon-source';
import type { PlannedOperation, SyncOutcome } from './sync-run';

/** The empty lists of every outcome settled here, shared: the outcome's lists are read-only. */
const NONE: readonly never[] = Object.freeze([]);
/** Code units held for a stamp (11 digits at most) or a target version; longer ones are compared as strings. */
const SCRATCH = 64;

/** What UnchangedEntries works with in its recon. */
export interface UnchangedRun {
  readonly links: LinkAccess;
  /** The target id set, with versions. */
  readonly targets: ReconTargetSet;
  /** The source query's set, which reads the entries a light first pass did not settle. */
  readonly source: ObjectSet;
  /** False in a dry run, which stores nothing, stamps included. */
  readonly writes: boolean;
}

/**
 * One recon's side of the unchanged stamps (core/sync/unchanged-stamp.ts): it tells the entries whose link
 * carries the stamp of the source's revision and the target's version as they are now, and collects the
 * stamps to store for the entries it found or made in agreement. Source revisions come with the source
 * query (`_rev`), target versions with the target id set, stamps with the link prefetch: no query per entry.
 */
export class UnchangedEntries {
  private pending: LinkStamp[] = [];
  private readonly qualifiers: readonly string[];
  private readonly links: LinkAccess;
  private readonly targets: ReconTargetSet;
  private readonly writes: boolean;
  /** What a whole source entry is read with: the mapping's fields and the revision. */
  private readonly fields: readonly string[];
  private readonly stamp: (sourceRevision: string, targetVersion: string) => string;
  private readonly stampAgrees: UnchangedStampCheck;
  /** Where `settles` reads a link's stamp and its target's version. */
  private readonly stampCodes = new Uint16Array(SCRATCH);
  private readonly versionCodes = new Uint16Array(SCRATCH);
  /** Per link qualifier, the target id and target row `settles` found last. */
  private readonly targetIds: string[] = [];
  private readonly targetRows: number[] = [];

  constructor(
    fingerprint: string,
    private readonly mapping: Mapping,
    private readonly run: UnchangedRun,
  ) {
    this.qualifiers = mapping.linkQualifiers.kind === 'static' ? mapping.linkQualifiers.names : [];
    ({ links: this.links, targets: this.targets, writes: this.writes } = run);
    this.fields = [...(sourceFieldsRead(mapping) ?? []), '_rev'];
    this.stamp = unchangedStamper(fingerprint);
    this.stampAgrees = unchangedStampCheck(fingerprint);
  }

  /**
   * Whether most of these entries (a light first pass's first page) are settled by their stamps. When not —
   * after an edit of the mapping every stamp is stale — reading the rest whole in lists of ids would cost the
   * directory more than one full query: the recon asks for whole entries instead.
   */
  mostlySettled(items: readonly SourceItem[]): boolean {
    let settled = 0;
    for (const item of items) if (item.object !== null && this.settles(item.id, item.object)) settled++;
    return settled * 2 >= items.length;
  }

  /**
   * The entries of a light first pass (ids and revisions only) that their stamps did not settle, read whole in
   * one query; an entry gone since the first pass is left without its object, and reads as not found.
   */
  async complete(items: readonly SourceItem[]): Promise<readonly SourceItem[]> {
    const readByIds = this.run.source.readByIds?.bind(this.run.source);
    const partial = items.filter((item) => item.partial === true).map((item) => item.id);
    if (partial.length === 0 || readByIds === undefined) return items;
    const whole = await readByIds(partial, this.fields);
    return items.map((item) =>
      item.partial === true ? { id: item.id, object: whole.get(item.id) ?? null } : item,
    );
  }

  /**
   * An entry nothing touched since its stamp: its outcomes, one per link qualifier — CONFIRMED, UPDATE, nothing
   * to write, as the full path would conclude — go to `finish`, and true is returned; false, having done
   * nothing, to reconcile the entry in full. The linked targets are claimed here, by the rows their version was
   * read from, rather than by id when the outcomes are handled: one lookup less an entry.
   */
  settle(sourceId: string, source: JsonObject, finish: (outcome: SyncOutcome) => void): boolean {
    if (!this.settles(sourceId, source)) return false;
    for (let i = 0; i < this.qualifiers.length; i++) {
      this.targets.claimRow(this.targetRows[i] as number);
      finish({
        phase: 'source',
        linkQualifier: this.qualifiers[i] as string,
        situation: 'CONFIRMED',
        action: 'UPDATE',
        status: 'SUCCESS',
        sourceId,
        targetId: this.targetIds[i] as string,
        ambiguousTargetIds: NONE,
        message: null,
        diff: NONE,
        linkExisted: true,
        linkCreated: false,
        claimed: NONE,
      });
    }
    return true;
  }

  /**
   * Whether every link of the entry, one per qualifier, carries the stamp of the entry as it is now; their target
   * ids and rows are left in `targetIds` and `targetRows`. Asked of every entry of a recon, so the stamps and
   * versions are compared as code units, without a string or an object made for them.
   */
  private settles(sourceId: string, source: JsonObject): boolean {
    const revision = source['_rev'];
    if (typeof revision !== 'string' || !this.links.anyStamped || this.qualifiers.length === 0) return false;
    const { stampCodes, versionCodes } = this;
    for (let i = 0; i < this.qualifiers.length; i++) {
      const linkQualifier = this.qualifiers[i] as string;
      const linkRow = this.links.prefetchedRowOf(linkQualifier, sourceId);
      if (linkRow < 0) return false;
      const stampLength = this.links.prefetchedStampCodesAt(linkRow, stampCodes);
      if (stampLength === 0) return false;
      const targetId = this.links.prefetchedTargetIdAt(linkRow);
      const targetRow = this.targets.rowOfLinked(linkRow, this.links.normaliseTarget(targetId));
      if (targetRow < 0) return false;
      const versionLength = this.targets.versionCodesAt(targetRow, versionCodes);
      if (versionLength === 0) return false;
      const agrees =
        stampLength > 0 && versionLength > 0
          ? this.stampAgrees(revision, versionCodes, versionLength, stampCodes, stampLength)
          : this.longStampAgrees(linkRow, revision, targetRow);
      if (!agrees) return false;
      this.targetIds[i] = targetId;
      this.targetRows[i] = targetRow;
    }
    return true;
  }

  /** `settles`'s comparison for a stamp or version longer than its scratch space, with strings. */
  private longStampAgrees(linkRow: number, revision: string, targetRow: number): boolean {
    const version = this.targets.versionAt(targetRow);
    return version !== null && this.links.prefetchedStampAt(linkRow) === this.stamp(revision, version);
  }

  /** An UPDATE found source and target in agreement: stamp the link (stored with `flush`). */
  agreed(plan: PlannedOperation): void {
    const revision = plan.source?.['_rev'];
    if (!this.writes || plan.link === null || plan.targetId === null || plan.sourceId === null) return;
    if (typeof revision !== 'string') return;
    // The version as the target query read it: if the target changed since, the stamp is stale next time, never wrong.
    const version = this.targets.versionOf(this.links.normaliseTarget(plan.targetId));
    if (version === null) return;
    const stamp = this.stamp(revision, version);
    const linkRow = this.links.prefetchedRowOf(plan.linkQualifier, plan.sourceId);
    if (linkRow >= 0 && this.links.prefetchedStampAt(linkRow) === stamp) return;
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
    return this.stamp(revision, version);
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
