import type { MaybePromise } from '../core/maybe-promise';
import { isDestructive, type Action } from '../core/sync/action';
import type { JsonObject, ScriptSpec } from '../core/sync/script';
import type { FieldChange } from '../core/sync/target-plan';
import { mapCreate, mapUpdate, previousTarget, type MappedCreate, type MappedUpdate } from './target-mapping';
import { conflict } from '../core/errors/domain-error';
import { StaleReadError } from '../connectors/system-connector.port';
import type { LinkRecord } from '../core/sync/link';
import { hookScope, runHook } from './sync-hooks';
import { readTarget, timed, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

export interface Effect {
  targetId: string | null;
  diff: readonly FieldChange[] | null;
  linkCreated: boolean;
  message: string | null;
  /** A CREATE that wrote: its finished outcome. */
  done?: SyncOutcome;
}

/**
 * Executes a planned operation (§2.5) and reports what happened. In a dry run (`run.analyze`) CREATE and
 * UPDATE are mapped (scripts included, with writes refused by the facade) so their diff is known, and
 * nothing is written. Errors propagate: the caller turns them into a FAILURE outcome.
 */
export async function executeAction(
  run: SyncRun,
  plan: PlannedOperation,
  claimed: readonly string[] = [],
): Promise<SyncOutcome> {
  const action = plan.decision.action;
  // Delete safety: DELETE and UNLINK wait until the run knows how many there are (recon.runner.ts).
  if (
    run.deferDestructive &&
    !run.analyze &&
    isDestructive(action) &&
    (action === 'DELETE' || plan.link !== null)
  ) {
    const none: Effect = { targetId: plan.targetId, diff: null, linkCreated: false, message: null };
    return outcome(plan, none, plan, claimed);
  }
  const effect = await perform(run, plan);
  // A CREATE that wrote has run postMapping and postAction already (createdOutcome).
  if (effect.done !== undefined)
    return claimed.length === 0 ? effect.done : copyWith(effect.done, { claimed });
  return settledOutcome(run, plan, effect, claimed);
}

async function runPostAction(run: SyncRun, plan: PlannedOperation): Promise<void> {
  if (plan.decision.postAction === undefined || run.analyze) return;
  await timed(run, 'activePolicyPostActionScript', () =>
    run.scripts.evaluate(plan.decision.postAction as ScriptSpec, {
      source: plan.source,
      target: plan.target,
      action: plan.decision.action,
      situation: plan.situation,
      sourceAction: plan.phase === 'source',
      linkQualifier: plan.linkQualifier,
      reconId: run.reconId,
    }),
  );
}

/** Built whole, with `claimed`, rather than spread and extended later (V8 copies such spreads slowly). */
function outcome(
  plan: PlannedOperation,
  effect: Effect,
  deferred?: PlannedOperation,
  claimed: readonly string[] = [],
): SyncOutcome {
  return {
    phase: plan.phase,
    linkQualifier: plan.linkQualifier,
    situation: plan.situation,
    action: plan.decision.action,
    status: 'SUCCESS',
    sourceId: plan.sourceId,
    targetId: effect.targetId,
    ambiguousTargetIds: plan.ambiguousTargetIds,
    message: effect.message,
    diff: effect.diff,
    linkExisted: plan.link !== null,
    linkCreated: effect.linkCreated,
    claimed,
    ...(deferred === undefined ? {} : { deferred }),
  };
}

/** CREATE and UPDATE hand back their own promise (no extra one per entry); `others` does the rest. */
function perform(run: SyncRun, plan: PlannedOperation): Promise<Effect> {
  const action = plan.decision.action;
  if (action === 'CREATE') return create(run, plan);
  if (action === 'UPDATE') return update(run, plan);
  return others(run, plan, action);
}

async function others(
  run: SyncRun,
  plan: PlannedOperation,
  action: Exclude<Action, 'CREATE' | 'UPDATE'>,
): Promise<Effect> {
  const none: Effect = { targetId: plan.targetId, diff: null, linkCreated: false, message: null };
  switch (action) {
    case 'LINK':
      return { ...none, linkCreated: await link(run, plan, requireTarget(plan)) };
    case 'DELETE':
      if (!run.analyze) await deleteTarget(run, plan);
      return none;
    case 'UNLINK':
      if (!run.analyze && plan.link !== null) await unlink(run, plan, plan.link);
      return none;
    case 'EXCEPTION':
      // OpenIDM throws "marked as EXCEPTION" and still audits the entry with status SUCCESS (§2.5).
      return { ...none, message: `Situation ${plan.situation} marked as EXCEPTION` };
    case 'REPORT':
    case 'NOREPORT':
    case 'IGNORE':
    case 'ASYNC':
      return none;
  }
}

/** The writing half of CREATE, one entry on its own: the target, its link, then postMapping. */
export async function writeCreate(
  run: SyncRun,
  plan: PlannedOperation,
  mapped: MappedCreate,
): Promise<SyncOutcome> {
  const { target, diff } = mapped;
  const requestedId = typeof target['_id'] === 'string' ? target['_id'] : undefined;
  const created = await timed(run, 'createTargetObject', () => run.target.create(requestedId, target));
  const targetId = String(created['_id']);
  const withTarget: PlannedOperation = copyWith(plan, { target: created, targetId });
  const linkCreated = await link(run, withTarget, targetId);
  return createdOutcome(run, plan, withTarget, { targetId, diff, linkCreated, message: null });
}

/** After a CREATE's writes (alone or in a batch): postMapping, postAction, the outcome. */
export function createdOutcomeNowOrLater(
  run: SyncRun,
  plan: PlannedOperation,
  withTarget: PlannedOperation,
  effect: Effect,
): MaybePromise<SyncOutcome> {
  // No postMapping and no postAction to run: the outcome at once (recon settles every created entry here).
  if (run.mapping.hooks.postMapping === undefined && (plan.decision.postAction === undefined || run.analyze))
    return outcome(plan, effect);
  return createdOutcome(run, plan, withTarget, effect);
}

export async function createdOutcome(
  run: SyncRun,
  plan: PlannedOperation,
  withTarget: PlannedOperation,
  effect: Effect,
): Promise<SyncOutcome> {
  const postMapping = run.mapping.hooks.postMapping;
  await runHook(run, 'postMappingScript', postMapping, () => hookScope(run, withTarget, withTarget.target));
  await runPostAction(run, plan);
  return outcome(plan, effect);
}

async function create(run: SyncRun, plan: PlannedOperation): Promise<Effect> {
  const mapped = await mapCreate(run, plan);
  if (run.analyze) return { targetId: null, diff: mapped.diff, linkCreated: false, message: null };
  const done = await writeCreate(run, plan, mapped);
  return { targetId: done.targetId, diff: mapped.diff, linkCreated: done.linkCreated, message: null, done };
}

async function update(run: SyncRun, plan: PlannedOperation): Promise<Effect> {
  const targetId = requireTarget(plan);
  const linkCreated = linkInPlace(run, plan, targetId) ? false : await link(run, plan, targetId);
  if (plan.source === null) return { targetId, diff: null, linkCreated, message: null };
  const existing = plan.target ?? (await timed(run, 'targetObjectQuery', () => readTarget(run, targetId)));
  if (existing === null) throw conflict(`Cannot update target ${targetId}: it does not exist`);
  const mapped = await mapUpdate(run, plan, existing);
  if ((mapped === null || !mapped.changed) && run.target.isUnconfirmed?.(existing) === true)
    throw new StaleReadError(
      `Target ${targetId} looks unchanged in memory; to be read before skipping the write`,
    );
  if (mapped === null) return agreedUpdate(run, plan, existing, linkCreated);
  if (run.analyze) return { targetId, diff: mapped.diff, linkCreated: false, message: null };
  const written = mapped.changed
    ? await writeUpdate(run, targetId, existing, mapped, await previousTarget(run, plan, existing))
    : existing;
  await runHook(run, 'postMappingScript', run.mapping.hooks.postMapping, () => hookScope(run, plan, written));
  return updatedEffect(targetId, mapped, linkCreated);
}

/**
 * The writing half of UPDATE, one entry on its own: the target, guarded by the revision it was read at.
 * `basis`: the target as the source's previous state maps it, when the sync knows that state (previousTarget).
 */
export function writeUpdate(
  run: SyncRun,
  targetId: string,
  existing: JsonObject,
  mapped: MappedUpdate,
  basis?: JsonObject,
): Promise<JsonObject> {
  const rev = typeof mapped.oldTarget['_rev'] === 'string' ? mapped.oldTarget['_rev'] : undefined;
  // Only postMapping looks at the stored result; without it a directory need not read the entry back.
  // `existing` was read for this very update: a directory may diff against that read instead of a new one.
  const readBack = run.mapping.hooks.postMapping !== undefined;
  return timed(run, 'updateTargetObject', () =>
    run.target.update(targetId, mapped.target, rev, {
      readBack,
      current: existing,
      ...(basis ? { basis } : {}),
    }),
  );
}

/** An UPDATE that mapUpdate found had nothing to change: the link's stamp, then postMapping. */
export async function agreedUpdate(
  run: SyncRun,
  plan: PlannedOperation,
  existing: JsonObject,
  linkCreated: boolean,
): Promise<Effect> {
  const targetId = plan.targetId as string;
  if (run.analyze) return { targetId, diff: [], linkCreated: false, message: null };
  run.unchanged?.agreed(plan);
  const postMapping = run.mapping.hooks.postMapping;
  if (postMapping !== undefined)
    await runHook(run, 'postMappingScript', postMapping, () => hookScope(run, plan, existing));
  return { targetId, diff: [], linkCreated, message: null };
}

/** What an UPDATE that wrote (or found nothing to write) did. */
export function updatedEffect(targetId: string, mapped: MappedUpdate, linkCreated: boolean): Effect {
  return { targetId, diff: mapped.changed ? mapped.diff : [], linkCreated, message: null };
}

/**
 * After an UPDATE written in a batch (recon-batch-update.ts): postMapping with the stored result, postAction,
 * the outcome — what `executeAction` does after a single update.
 */
export async function updatedOutcome(
  run: SyncRun,
  plan: PlannedOperation,
  written: JsonObject,
  effect: Effect,
  claimed: readonly string[],
): Promise<SyncOutcome> {
  await runHook(run, 'postMappingScript', run.mapping.hooks.postMapping, () => hookScope(run, plan, written));
  return settledOutcome(run, plan, effect, claimed);
}

/** postAction and the outcome of an operation whose writes are done. */
export async function settledOutcome(
  run: SyncRun,
  plan: PlannedOperation,
  effect: Effect,
  claimed: readonly string[],
): Promise<SyncOutcome> {
  if (plan.decision.postAction !== undefined) await runPostAction(run, plan);
  return outcome(plan, effect, undefined, claimed);
}

function requireTarget(plan: PlannedOperation): string {
  if (plan.targetId === null) {
    throw conflict(
      `Action ${plan.decision.action} needs a target object, and situation ${plan.situation} has none`,
    );
  }
  return plan.targetId;
}

/** Whether `link` has nothing to do: a dry run, no source id, or this source is linked to `targetId` already. */
export function linkInPlace(run: SyncRun, plan: PlannedOperation, targetId: string): boolean {
  if (run.analyze || plan.sourceId === null) return true;
  const linkedTarget = plan.link === null ? null : run.links.targetOf(plan.link);
  return linkedTarget === run.links.normaliseTarget(targetId);
}

/** Creates the link, or re-points this source's link to `targetId`; true when a link was created. */
export async function link(run: SyncRun, plan: PlannedOperation, targetId: string): Promise<boolean> {
  if (linkInPlace(run, plan, targetId)) return false;
  await runHook(run, 'onLinkScript', run.mapping.hooks.onLink, () => hookScope(run, plan, plan.target));
  if (plan.link !== null && plan.phase === 'source') {
    await timed(run, 'linkQuery', () =>
      run.links.repoint(plan.link as LinkRecord, plan.sourceId as string, targetId),
    );
    return false;
  }
  const created = await timed(run, 'linkQuery', () =>
    run.links.create(plan.linkQualifier, plan.sourceId as string, targetId),
  );
  return created !== null;
}

async function unlink(run: SyncRun, plan: PlannedOperation, existing: LinkRecord): Promise<void> {
  await runHook(run, 'onUnlinkScript', run.mapping.hooks.onUnlink, () => hookScope(run, plan, plan.target));
  await timed(run, 'deleteLinkObject', () => run.links.remove(existing));
}

/** onDelete, then the target is deleted with the `_rev` it was read with (a missing one is fine), then unlinked. */
async function deleteTarget(run: SyncRun, plan: PlannedOperation): Promise<void> {
  const targetId = requireTarget(plan);
  const existing = plan.target ?? (await run.target.read(targetId));
  await runHook(run, 'onDeleteScript', run.mapping.hooks.onDelete, () => hookScope(run, plan, existing));
  if (existing !== null) {
    const rev = typeof existing['_rev'] === 'string' ? existing['_rev'] : undefined;
    await timed(run, 'deleteTargetObject', () => run.target.delete(targetId, rev));
  }
  if (plan.link !== null) await unlink(run, plan, plan.link);
}
