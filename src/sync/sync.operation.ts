import { linkQualifiersFor, linkQualifiersNowOrLater } from '../core/sync/link-qualifier';
import type { JsonObject } from '../core/sync/script';
import { StaleReadError } from '../connectors/system-connector.port';
import { executeAction } from './action.executor';
import type { MaybePromise } from '../core/maybe-promise';
import { planSourceOperation, planSourceOperationNow } from './source.operation';
import { failedOutcome, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';
import { planDeletedSourceOperation, planTargetOperation } from './target.operation';

/** A planned operation and the targets it claims (for the recon target phase). */
export interface ClaimedPlan {
  readonly plan: PlannedOperation;
  readonly claimed: readonly string[];
}

/**
 * Identity in, result out: the operations every trigger (recon, implicit sync, live sync, performAction)
 * runs. Each runs once per link qualifier (§1.5); a failure of one qualifier is its own FAILURE outcome
 * and never stops the others. `take`, when it accepts a plan, makes the caller responsible for executing it.
 */
export async function syncPresentSource(
  run: SyncRun,
  sourceId: string,
  source: JsonObject,
  oldSource?: JsonObject | null,
  take?: (planned: ClaimedPlan) => boolean,
): Promise<SyncOutcome[]> {
  let qualifiers: readonly string[];
  try {
    const scope = { object: source, oldValue: oldSource ?? null, returnAll: false };
    const declared = linkQualifiersNowOrLater(run.mapping, scope, run.scripts.evaluate);
    qualifiers = declared instanceof Promise ? await declared : declared;
  } catch (error) {
    return [failedOutcome('source', 'default', { sourceId, targetId: null }, error)];
  }
  const outcomes: SyncOutcome[] = [];
  for (const qualifier of qualifiers) {
    let claimed: readonly string[] = [];
    try {
      const { plan, claimed: planned } = await planSourceOperation(
        run,
        sourceId,
        source,
        qualifier,
        oldSource,
      );
      claimed = planned;
      // Recon takes the CREATEs and UPDATEs it writes or reads in batches; they get their outcome there.
      if (take?.({ plan, claimed }) === true) continue;
      try {
        outcomes.push(await executeAction(run, plan, claimed));
      } catch (error) {
        outcomes.push(
          error instanceof StaleReadError && run.rememberedTargets === true
            ? await againFromReads(run, sourceId, source, qualifier, oldSource)
            : { ...failedOutcome('source', qualifier, plan, error, plan), claimed },
        );
      }
    } catch (error) {
      outcomes.push({ ...failedOutcome('source', qualifier, { sourceId, targetId: null }, error), claimed });
    }
  }
  return outcomes;
}

/**
 * One qualifier's operation once more, every target read from the system: the first try planned from a target
 * remembered from Concord's last write of it, which no longer holds (SyncRun.rememberedTargets). Scripts the first
 * try ran before its write (correlation, policy, transforms, onUpdate) run again, as on a retry.
 */
async function againFromReads(
  run: SyncRun,
  sourceId: string,
  source: JsonObject,
  qualifier: string,
  oldSource: JsonObject | null | undefined,
): Promise<SyncOutcome> {
  const fresh: SyncRun = { ...run, rememberedTargets: false };
  const { plan, claimed } = await planSourceOperation(fresh, sourceId, source, qualifier, oldSource);
  try {
    return await executeAction(fresh, plan, claimed);
  } catch (error) {
    return { ...failedOutcome('source', qualifier, plan, error, plan), claimed };
  }
}

/**
 * `syncPresentSource` without a promise when every qualifier's plan is at hand at once (planSourceOperationNow)
 * and `take` accepts every plan: recon's source phase, which plans each entry and writes CREATEs and UPDATEs
 * in batches. Anything else goes the full way, from the start.
 */
export function syncPresentSourceNowOrLater(
  run: SyncRun,
  sourceId: string,
  source: JsonObject,
  take: (planned: ClaimedPlan) => boolean,
): MaybePromise<SyncOutcome[]> {
  const declared = run.mapping.linkQualifiers;
  if (declared.kind !== 'static') return syncPresentSource(run, sourceId, source, undefined, take);
  const plans: ClaimedPlan[] = [];
  for (const qualifier of declared.names) {
    let planned: ClaimedPlan | undefined;
    try {
      planned = planSourceOperationNow(run, sourceId, source, qualifier);
    } catch {
      planned = undefined; // the full path reports the failure on its entry
    }
    if (planned === undefined) return syncPresentSource(run, sourceId, source, undefined, take);
    plans.push(planned);
  }
  const rest = plans.filter((planned) => !take(planned));
  return rest.length === 0 ? [] : executeInOrder(run, rest);
}

/** The plans `take` left, executed one after the other, each failure its own outcome. */
async function executeInOrder(run: SyncRun, plans: readonly ClaimedPlan[]): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const { plan, claimed } of plans) {
    try {
      outcomes.push(await executeAction(run, plan, claimed));
    } catch (error) {
      outcomes.push({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
    }
  }
  return outcomes;
}

/** Recon target phase: one unclaimed target, for every qualifier (`returnAll`). */
export async function syncUnclaimedTarget(
  run: SyncRun,
  targetId: string,
  qualifiers: readonly string[],
): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const qualifier of qualifiers) {
    try {
      const plan = await planTargetOperation(run, targetId, null, qualifier);
      if (plan === null) continue;
      try {
        outcomes.push(await executeAction(run, plan));
      } catch (error) {
        outcomes.push(failedOutcome('target', qualifier, plan, error, plan));
      }
    } catch (error) {
      outcomes.push(failedOutcome('target', qualifier, { sourceId: null, targetId }, error));
    }
  }
  return outcomes;
}

/** A deleted source (implicit delete with its old value, live sync delete without). */
export async function syncDeletedSource(
  run: SyncRun,
  sourceId: string,
  oldValue: JsonObject | null,
): Promise<SyncOutcome[]> {
  let qualifiers: readonly string[];
  try {
    qualifiers = await linkQualifiersFor(
      run.mapping,
      { object: null, oldValue, returnAll: oldValue === null },
      run.scripts.evaluate,
    );
  } catch (error) {
    return [failedOutcome('source', 'default', { sourceId, targetId: null }, error)];
  }
  const outcomes: SyncOutcome[] = [];
  for (const qualifier of qualifiers) {
    try {
      const plan = await planDeletedSourceOperation(run, sourceId, oldValue, qualifier);
      try {
        outcomes.push(await executeAction(run, plan));
      } catch (error) {
        outcomes.push(failedOutcome('source', qualifier, plan, error, plan));
      }
    } catch (error) {
      outcomes.push(failedOutcome('source', qualifier, { sourceId, targetId: null }, error));
    }
  }
  return outcomes;
}
