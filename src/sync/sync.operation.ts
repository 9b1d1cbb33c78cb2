import { linkQualifiersFor } from '../core/sync/link-qualifier';
import type { JsonObject } from '../core/sync/script';
import { executeAction } from './action.executor';
import { planSourceOperation } from './source.operation';
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
    const declared = run.mapping.linkQualifiers;
    qualifiers =
      declared.kind === 'static'
        ? declared.names
        : await linkQualifiersFor(
            run.mapping,
            { object: source, oldValue: oldSource ?? null, returnAll: false },
            run.scripts.evaluate,
          );
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
        outcomes.push({ ...failedOutcome('source', qualifier, plan, error, plan), claimed });
      }
    } catch (error) {
      outcomes.push({ ...failedOutcome('source', qualifier, { sourceId, targetId: null }, error), claimed });
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
