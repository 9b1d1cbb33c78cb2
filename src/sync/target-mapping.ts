import { andThen, type MaybePromise } from '../core/maybe-promise';
import {
  jsonClone,
  leavesTargetUnchanged,
  mapForCreate,
  mapForCreateNowOrLater,
  mapForUpdate,
} from '../core/sync/property-mapping';
import type { JsonObject } from '../core/sync/script';
import { planCreate, planUpdate, type FieldChange } from '../core/sync/target-plan';
import { conflict } from '../core/errors/domain-error';
import { hookScope, targetHook } from './sync-hooks';
import { timed, timedNowOrLater, type PlannedOperation, type SyncRun } from './sync-run';

/**
 * The mapping halves of CREATE and UPDATE: what the target will be (properties, then the mapping's scripts), with
 * nothing written. action.executor.ts writes one entry's result; recon-batch-create.ts and recon-batch-update.ts
 * write a chunk's together.
 */

/** A CREATE's target as mapped (properties, defaultMapping, onCreate) and its diff; nothing written yet. */
export interface MappedCreate {
  readonly target: JsonObject;
  readonly diff: readonly FieldChange[];
}

/**
 * `mapCreate` without a promise for a mapping without defaultMapping and onCreate whose property scripts answer
 * at once (EvaluateScript.now): recon maps every entry it creates.
 */
export function mapCreateNowOrLater(run: SyncRun, plan: PlannedOperation): MaybePromise<MappedCreate> {
  const { defaultMapping, onCreate } = run.mapping.hooks;
  if (defaultMapping !== undefined || onCreate !== undefined) return mapCreate(run, plan);
  if (plan.source === null) throw conflict(`Cannot create a target: no source object (${plan.sourceId})`);
  if (plan.target !== null)
    throw conflict(`Cannot create a target: target object ${plan.targetId} already exists`);
  const context = {
    source: plan.source,
    linkQualifier: plan.linkQualifier,
    oldSource: plan.oldSource ?? null,
  };
  const mapped = timedNowOrLater(run, 'propertyMappingScript', () =>
    mapForCreateNowOrLater(run.mapping.properties, context, run.scripts.evaluate),
  );
  return andThen(mapped, (target) => ({ target, diff: planCreate(target).diff }));
}

/** The mapping half of CREATE: what the target will be. Scripts run here, once per entry. */
export async function mapCreate(run: SyncRun, plan: PlannedOperation): Promise<MappedCreate> {
  if (plan.source === null) throw conflict(`Cannot create a target: no source object (${plan.sourceId})`);
  if (plan.target !== null)
    throw conflict(`Cannot create a target: target object ${plan.targetId} already exists`);
  const hooks = run.mapping.hooks;
  let target = await timed(run, 'propertyMappingScript', () =>
    mapForCreate(
      run.mapping.properties,
      {
        source: plan.source as JsonObject,
        linkQualifier: plan.linkQualifier,
        oldSource: plan.oldSource ?? null,
      },
      run.scripts.evaluate,
    ),
  );
  const mapped = target;
  target = await targetHook(run, 'defaultMappingScript', hooks.defaultMapping, target, () => ({
    ...hookScope(run, plan, mapped),
    existingTarget: null,
    config: run.mapping.raw,
  }));
  const defaulted = target;
  target = await targetHook(run, 'onCreateScript', hooks.onCreate, target, () => ({
    ...hookScope(run, plan, mapped),
    target: defaulted,
    targetId: null,
  }));
  return { target, diff: planCreate(target).diff };
}

/** An UPDATE's target as mapped (properties, defaultMapping, onUpdate), what it was, and what differs. */
export interface MappedUpdate {
  readonly target: JsonObject;
  /** The target before the mapping: `existing` itself, or a copy of it where scripts could change it. */
  readonly oldTarget: JsonObject;
  readonly changed: boolean;
  readonly diff: readonly FieldChange[];
}

/**
 * The mapping half of UPDATE, over `existing` (the target as read): what the target will be. Null when the
 * mapping, with no script on the way, leaves `existing` as it is (the common recon case, CONFIRMED with
 * nothing changed): what mapping and comparing would conclude, found without copying (agreedUpdate).
 */
export async function mapUpdate(
  run: SyncRun,
  plan: PlannedOperation,
  existing: JsonObject,
): Promise<MappedUpdate | null> {
  const hooks = run.mapping.hooks;
  const source = plan.source as JsonObject;
  // mapForUpdate leaves `existing` as it is; only scripts, which see `oldTarget`, could change it.
  const scripted = hooks.defaultMapping !== undefined || hooks.onUpdate !== undefined;
  const checkStart = performance.now();
  if (!scripted && leavesTargetUnchanged(run.mapping.properties, existing, source)) {
    run.record('propertyMappingScript', performance.now() - checkStart);
    return null;
  }
  const oldTarget = scripted ? jsonClone(existing) : existing;
  let target = await timed(run, 'propertyMappingScript', () =>
    mapForUpdate(
      run.mapping.properties,
      existing,
      { source, linkQualifier: plan.linkQualifier, oldSource: plan.oldSource ?? null },
      run.scripts.evaluate,
    ),
  );
  const mapped = target;
  target = await targetHook(run, 'defaultMappingScript', hooks.defaultMapping, target, () => ({
    ...hookScope(run, plan, mapped),
    oldTarget,
    existingTarget: oldTarget,
    config: run.mapping.raw,
  }));
  const defaulted = target;
  target = await targetHook(run, 'onUpdateScript', hooks.onUpdate, target, () => ({
    ...hookScope(run, plan, mapped),
    oldTarget,
    target: defaulted,
  }));
  const { changed, diff } = planUpdate(oldTarget, target);
  return { target, oldTarget, changed, diff };
}

/**
 * The target as the source's state before the change being synced maps it (implicit sync of an update, which
 * knows that state): what the change left alone is what the two mappings agree on (UpdateOptions.basis).
 * Property mappings only: the hooks' additions differ from it or not, and are written if they do. Only where
 * the target set's changes flow back (SyncRun.targetFlowsBack); where they do not, the source is the only
 * authority, and the whole mapped state is written, drift in the target included.
 */
export async function previousTarget(
  run: SyncRun,
  plan: PlannedOperation,
  existing: JsonObject,
): Promise<JsonObject | undefined> {
  const before = plan.oldSource;
  if (before === null || before === undefined || run.targetFlowsBack !== true) return undefined;
  try {
    return await timed(run, 'propertyMappingScript', () =>
      mapForUpdate(
        run.mapping.properties,
        existing,
        { source: before, linkQualifier: plan.linkQualifier, oldSource: null },
        run.scripts.evaluate,
      ),
    );
  } catch {
    // A script that fails on the older state (a field it expects was added since) must not fail the sync of
    // the new one: without a basis, the whole mapped state is written, as it was before bases.
    return undefined;
  }
}
