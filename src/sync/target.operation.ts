import { correlationFor } from '../core/sync/correlation';
import {
  assessDeletedSourceSituation,
  missingDeletedSourceFact,
  type DeletedSourceFacts,
} from '../core/sync/deleted-source-situation';
import { determineAction } from '../core/sync/policy';
import type { JsonObject } from '../core/sync/script';
import { assessTargetSituation, missingTargetFact, type TargetFacts } from '../core/sync/target-situation';
import { isSourceValid, isTargetValid } from '../core/sync/validity';
import { correlate, decideSourceAction } from './source.operation';
import { timed, type PlannedOperation, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

/**
 * Recon target phase for one unclaimed target and one link qualifier (§2.4): validTarget before the link,
 * then a fresh read of the linked source. Null when the target vanished since the target query.
 */
export async function planTargetOperation(
  run: SyncRun,
  targetId: string,
  knownTarget: JsonObject | null,
  linkQualifier: string,
): Promise<PlannedOperation | null> {
  const evaluate = run.scripts.evaluate;
  let target = knownTarget;
  if (target === null && run.mapping.validTarget !== undefined) {
    target = await timed(run, 'targetObjectQuery', () => run.target.read(targetId));
    if (target === null) return null;
  }
  const known = target;
  let facts: TargetFacts = {
    targetValid:
      known === null
        ? true
        : await timed(run, 'validTargetScript', () =>
            isTargetValid(run.mapping, known, linkQualifier, evaluate),
          ),
  };
  let link = null;
  let source: JsonObject | null = null;
  for (let fact = missingTargetFact(facts); fact !== undefined; fact = missingTargetFact(facts)) {
    switch (fact) {
      case 'linkedSourceId':
        link = await timed(run, 'targetLinkQuery', () => run.links.forTarget(linkQualifier, targetId));
        facts = copyWith(facts, { linkedSourceId: link === null ? null : run.links.sourceOf(link) });
        break;
      case 'linkedSourceExists': {
        const sourceId = facts.linkedSourceId as string;
        source = await timed(run, 'sourceObjectQuery', () => run.source.read(sourceId));
        facts = copyWith(facts, { linkedSourceExists: source !== null });
        break;
      }
      case 'sourceValid':
        facts = copyWith(facts, {
          sourceValid: await isSourceValid(run.mapping, source as JsonObject, linkQualifier, evaluate),
        });
        break;
    }
  }
  const assessment = assessTargetSituation(facts);
  const sourceId = assessment.sourceId ?? null;
  const decision = await timed(run, 'activePolicyScript', () =>
    determineAction(
      assessment.situation,
      run.mapping.policies,
      {
        source,
        target,
        linkQualifier,
        sourceAction: false,
        mapping: run.mapping.name,
        reconId: run.reconId,
        sourceId,
        targetId,
        ambiguousTargetIds: [],
      },
      evaluate,
    ),
  );
  return {
    phase: 'target',
    linkQualifier,
    situation: assessment.situation,
    decision,
    sourceId,
    source,
    targetId,
    target,
    link,
    ambiguousTargetIds: [],
  };
}

/**
 * A source that is gone (implicit delete, liveSync DELETE), for one link qualifier (§2.3): the link decides,
 * else the old value's correlation. LiveSync deletes carry no old value: without a link that is ALL_GONE.
 */
export async function planDeletedSourceOperation(
  run: SyncRun,
  sourceId: string,
  oldValue: JsonObject | null,
  linkQualifier: string,
): Promise<PlannedOperation> {
  const evaluate = run.scripts.evaluate;
  const link = await run.links.forSource(linkQualifier, sourceId);
  let facts: DeletedSourceFacts = {
    linkedTargetId: link === null ? null : run.links.targetOf(link),
    oldValuePresent: oldValue !== null,
  };
  let target: JsonObject | null = null;
  let candidateIds: readonly string[] = [];
  for (
    let fact = missingDeletedSourceFact(facts);
    fact !== undefined;
    fact = missingDeletedSourceFact(facts)
  ) {
    switch (fact) {
      case 'linkedTargetExists':
        target = await run.target.read(facts.linkedTargetId as string);
        facts = copyWith(facts, { linkedTargetExists: target !== null });
        break;
      case 'targetValid':
        facts = copyWith(facts, {
          targetValid: await isTargetValid(run.mapping, target as JsonObject, linkQualifier, evaluate),
        });
        break;
      case 'correlation': {
        const step = correlationFor(run.mapping, linkQualifier, false);
        const found = step === undefined ? null : await correlate(run, oldValue as JsonObject, linkQualifier);
        candidateIds = found?.ids ?? [];
        if (found !== null && found.ids.length === 1)
          target = found.objects.get(found.ids[0] as string) ?? null;
        facts = copyWith(facts, { correlation: found === null ? null : found.ids });
        break;
      }
      case 'oldValueValid':
        facts = copyWith(facts, {
          oldValueValid: await isSourceValid(run.mapping, oldValue as JsonObject, linkQualifier, evaluate),
        });
        break;
    }
  }
  const assessment = assessDeletedSourceSituation(facts);
  const targetId = assessment.targetId ?? null;
  const ambiguousTargetIds = assessment.ambiguousTargetIds ?? (candidateIds.length > 1 ? candidateIds : []);
  const decision = await decideSourceAction(
    run,
    assessment.situation,
    { source: oldValue, target, linkQualifier, sourceId, targetId, ambiguousTargetIds },
    evaluate,
  );
  return {
    phase: 'source',
    linkQualifier,
    situation: assessment.situation,
    decision,
    sourceId,
    source: null,
    oldSource: oldValue,
    targetId,
    target,
    link,
    ambiguousTargetIds,
  };
}
