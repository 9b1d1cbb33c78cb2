import { Injectable } from '@nestjs/common';
import { badRequest, conflict } from '../core/errors/domain-error';
import { isAction } from '../core/sync/action';
import { normaliseId } from '../core/sync/link';
import type { LinkSnapshot } from '../core/sync/link-snapshot';
import type { JsonObject } from '../core/sync/script';
import type { Mapping } from '../core/sync/sync-config.types';
import type { ScriptRunner } from '../scripting/script-runner';
import type { CurrentState, SeenObject } from '../sync-queue/change-processor.port';
import { executeAction } from './action.executor';
import { LinkAccess } from './link-access';
import { ObjectSets, type LooseQueryParams } from './object-sets';
import { LinkStore } from './ports/link.store';
import { planSourceOperation } from './source.operation';
import { SyncMappings } from './sync-mappings';
import { SyncScripts } from './sync-scripts';
import type { PlannedOperation, SyncOutcome, SyncRun } from './sync-run';
import { syncDeletedSource, syncPresentSource } from './sync.operation';
import { planDeletedSourceOperation, planTargetOperation } from './target.operation';

export interface SourceChange {
  readonly mapping: string;
  readonly sourceId: string;
  /** The object before the change: needed for a delete's correlation (§2.3); null for live sync. */
  readonly oldValue?: JsonObject | null;
  /** The source as it is now, when the caller knows it (the write just committed): taken instead of a read. */
  readonly current?: CurrentState;
  /** A target as the change's writer read it: compared against instead of a read (SeenObject). */
  readonly seen?: SeenObject;
}

export interface LinkedResource {
  resourceName: string;
  content: JsonObject | null;
  linkQualifier: string;
  linkType: string;
  mappings: { name: string; type: 'source' | 'target' }[];
  error?: string;
}

/**
 * Sync outside a recon: the entry points implicit and live sync call with an identity only (the engine
 * re-reads and decides, level-triggered), `performAction` (§5.6) and `getLinkedResources` (§3).
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly mappings: SyncMappings,
    private readonly sets: ObjectSets,
    private readonly links: LinkStore,
    private readonly scripts: SyncScripts,
  ) {
    scripts.handleSyncActions((action, params) => this.action(action, params));
  }

  /**
   * Identity in, outcomes out: re-reads the source; present ⇒ §2.2, gone ⇒ §2.3 with the old value. `scripts`:
   * a runner the caller keeps across changes (implicit sync), else a new one for this change.
   */
  async syncSourceChange(change: SourceChange, scripts?: ScriptRunner): Promise<SyncOutcome[]> {
    const mapping = this.mappings.get(change.mapping);
    const seen = change.seen?.resource === mapping.target ? change.seen : undefined;
    // The change usually follows Concord's own last write of the target: its memory of it may stand in for a read.
    const run: SyncRun = {
      ...this.runFor(mapping, scripts, change.current?.links, seen),
      rememberedTargets: true,
    };
    const source = change.current ? change.current.object : await run.source.read(change.sourceId);
    if (source !== null) return syncPresentSource(run, change.sourceId, source, change.oldValue);
    return syncDeletedSource(run, change.sourceId, change.oldValue ?? null);
  }

  action(name: string, params: LooseQueryParams): Promise<unknown> {
    const text = (key: string): string | undefined => {
      const value = params[key];
      return typeof value === 'string' ? value : undefined;
    };
    if (name === 'performAction') return this.performAction(params);
    if (name === 'getLinkedResources') {
      const resourceName = text('resourceName');
      if (resourceName === undefined) throw badRequest('getLinkedResources needs the resourceName parameter');
      return this.linkedResources(resourceName);
    }
    throw badRequest(`Unknown action '${name}' on sync; supported: performAction, getLinkedResources`);
  }

  /**
   * Re-assesses the situation of (mapping, source or target) and performs the requested action (§5.6).
   * A stated `situation` that no longer holds is refused; an explicit `targetId` is what LINK links to.
   */
  async performAction(params: LooseQueryParams): Promise<{ status: 'OK' }> {
    const get = (key: string): string | undefined => {
      const value = params[key];
      return typeof value === 'string' ? value : undefined;
    };
    const mappingName = get('mapping');
    const action = get('action');
    if (mappingName === undefined) throw badRequest('performAction needs the mapping parameter');
    if (!isAction(action)) throw badRequest(`performAction needs an action parameter naming a sync action`);
    const run = this.runFor(this.mappings.get(mappingName));
    const qualifier = get('linkQualifier') ?? 'default';
    const sourceId = get('sourceId');
    const targetId = get('targetId');
    let plan: PlannedOperation | null;
    if (params['target'] === true || get('target') === 'true') {
      if (targetId === undefined) throw badRequest('performAction with target=true needs targetId');
      plan = await planTargetOperation(run, targetId, null, qualifier);
      if (plan === null) throw conflict(`Target object ${run.mapping.target}/${targetId} not found`);
    } else {
      if (sourceId === undefined) throw badRequest('performAction needs the sourceId parameter');
      const source = await run.source.read(sourceId);
      plan =
        source === null
          ? await planDeletedSourceOperation(run, sourceId, null, qualifier)
          : (await planSourceOperation(run, sourceId, source, qualifier)).plan;
    }
    const expected = get('situation');
    if (expected !== undefined && expected !== plan.situation) {
      throw conflict(`Expected situation does not match: expected ${expected}, found ${plan.situation}`);
    }
    const retarget = targetId !== undefined && targetId !== plan.targetId;
    const explicit: PlannedOperation = {
      ...plan,
      decision: { action },
      ...(retarget ? { targetId, target: null } : {}),
    };
    const outcome = await executeAction(run, explicit);
    if (outcome.status === 'FAILURE') throw conflict(outcome.message ?? 'performAction failed');
    return { status: 'OK' };
  }

  /** The objects linked to `managed/user/<id>` (or a system object) through any mapping's links (§3). */
  async linkedResources(resourceName: string): Promise<LinkedResource[]> {
    const { set, id } = this.sets.resolve(resourceName);
    if (id === undefined) throw badRequest(`resourceName must name an object: ${resourceName}`);
    const found: LinkedResource[] = [];
    const candidates = new Set([id, id.toLowerCase()]);
    for (const id2 of candidates) {
      for (const link of await this.links.findByEitherId(id2)) {
        const owner = this.mappings.all.find((m) => m.name === link.linkType);
        if (owner === undefined) continue;
        const first =
          owner.source === set.path && link.firstId === normaliseId(id, owner.sourceIdsCaseSensitive);
        const second =
          owner.target === set.path && link.secondId === normaliseId(id, owner.targetIdsCaseSensitive);
        if (!first && !second) continue;
        const otherSet = first ? owner.target : owner.source;
        const otherId = first ? link.secondId : link.firstId;
        const entry: LinkedResource = {
          resourceName: `${otherSet}/${otherId}`,
          content: null,
          linkQualifier: link.linkQualifier,
          linkType: link.linkType,
          mappings: this.mappings.all
            .filter((m) => m.link.type === link.linkType)
            .map((m) => ({ name: m.name, type: m.source === otherSet ? 'source' : 'target' })),
        };
        try {
          entry.content = await this.sets.get(otherSet).read(otherId);
          if (entry.content === null) entry.error = `Object ${otherSet}/${otherId} not found`;
        } catch (error) {
          entry.error = error instanceof Error ? error.message : String(error);
        }
        if (
          !found.some((f) => f.resourceName === entry.resourceName && f.linkQualifier === entry.linkQualifier)
        ) {
          found.push(entry);
        }
      }
    }
    return found;
  }

  /** `known`: the source's links as the caller already read them (CurrentState.links). */
  private runFor(mapping: Mapping, scripts?: ScriptRunner, known?: LinkSnapshot, seen?: SeenObject): SyncRun {
    return {
      ...(seen ? { seenTarget: seen } : {}),
      targetFlowsBack: this.mappings.all.some((other) => other.source === mapping.target),
      mapping,
      source: this.sets.get(mapping.source),
      target: this.sets.get(mapping.target),
      scripts: scripts ?? this.scripts.create(false),
      links: new LinkAccess(this.links, mapping.link, mapping.enableLinking, known),
      reconId: null,
      analyze: false,
      targetSetKnownEmpty: false,
      deferDestructive: false,
      record: () => undefined,
    };
  }
}
