import {
  correlationCandidates,
  correlationFor,
  correlationQueryParams,
  type CorrelationCandidates,
} from '../core/sync/correlation';
import {
  determineAction,
  scriptlessDecision,
  type ActionContext,
  type ActionDecision,
} from '../core/sync/policy';
import type { EvaluateScript, JsonObject } from '../core/sync/script';
import { claimedTargetIds, type Situation } from '../core/sync/situation';
import { assessSourceSituation, missingSourceFact, type SourceFacts } from '../core/sync/source-situation';
import type { LinkRecord } from '../core/sync/link';
import type { Assessment } from '../core/sync/situation';
import { isSourceValid } from '../core/sync/validity';
import { readTarget, timed, type PlannedOperation, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

export interface SourcePlan {
  readonly plan: PlannedOperation;
  /** Targets the recon target phase must skip. */
  readonly claimed: readonly string[];
}

/**
 * Source phase / implicit sync of a present source for one link qualifier (§2.2): gather the facts the core
 * asks for, in OpenIDM's order (validity, link, target existence, correlation), then assess and decide.
 */
export async function planSourceOperation(
  run: SyncRun,
  sourceId: string,
  source: JsonObject,
  linkQualifier: string,
  oldSource?: JsonObject | null,
): Promise<SourcePlan> {
  const evaluate = run.scripts.evaluate;
  // Recon's common case answers from memory: no promise per entry for the link or for a validity with no script.
  const lookupStart = performance.now();
  const prefetched = run.links.prefetchedForSource(linkQualifier, sourceId);
  if (prefetched !== undefined) run.record('sourceLinkQuery', performance.now() - lookupStart);
  const link =
    prefetched !== undefined
      ? prefetched
      : await timed(run, 'sourceLinkQuery', () => run.links.forSource(linkQualifier, sourceId));
  const scriptedValidity = run.mapping.validSource !== undefined || run.mapping.sourceCondition !== undefined;
  const valid =
    !scriptedValidity ||
    (await timed(run, 'validSourceScript', () =>
      isSourceValid(run.mapping, source, linkQualifier, evaluate),
    ));
  let facts: SourceFacts = { linkedTargetId: link === null ? null : run.links.targetOf(link), valid };
  let target: JsonObject | null = null;
  let candidates: CorrelationCandidates | null = null;
  for (let fact = missingSourceFact(facts); fact !== undefined; fact = missingSourceFact(facts)) {
    switch (fact) {
      case 'linkedTargetExists': {
        const linked = facts.linkedTargetId as string;
        if (run.targetIds !== undefined) {
          facts = copyWith(facts, { linkedTargetExists: run.targetIds.has(linked) });
        } else {
          target = await timed(run, 'targetObjectQuery', () => readTarget(run, linked));
          facts = copyWith(facts, { linkedTargetExists: target !== null });
        }
        break;
      }
      case 'correlation':
        candidates = await correlate(run, source, linkQualifier);
        facts = copyWith(facts, { correlation: candidates === null ? null : candidates.ids });
        break;
      case 'correlatedTargetLinked': {
        const only = (candidates?.ids ?? [])[0] as string;
        const other = await timed(run, 'targetLinkQuery', () => run.links.forTarget(linkQualifier, only));
        facts = copyWith(facts, { correlatedTargetLinked: other !== null });
        break;
      }
    }
  }
  const assessment = assessSourceSituation(facts);
  const targetId = assessment.targetId ?? null;
  if (target === null && targetId !== null) target = candidates?.objects.get(targetId) ?? null;
  const ambiguousTargetIds = assessment.ambiguousTargetIds ?? [];
  const decisionStart = performance.now();
  const scriptless = scriptlessDecision(assessment.situation, run.mapping.policies);
  if (scriptless !== undefined) run.record('activePolicyScript', performance.now() - decisionStart);
  const decision =
    scriptless ??
    (await timed(run, 'activePolicyScript', () =>
      decideSourceAction(
        run,
        assessment.situation,
        { source, target, linkQualifier, sourceId, targetId, ambiguousTargetIds },
        evaluate,
      ),
    ));
  return sourcePlan({ sourceId, source, oldSource, linkQualifier, link, target }, assessment, decision);
}

/**
 * `planSourceOperation` when every fact is at hand without waiting — the link prefetched, validity without a
 * script, the linked target's existence from the recon's target id set, no correlation to run, a decision
 * without a script — which is recon's common case; undefined otherwise (nothing recorded then, so the full
 * path that follows records each step once). No promise: recon plans every source entry.
 */
export function planSourceOperationNow(
  run: SyncRun,
  sourceId: string,
  source: JsonObject,
  linkQualifier: string,
): SourcePlan | undefined {
  const mapping = run.mapping;
  if (mapping.validSource !== undefined || mapping.sourceCondition !== undefined) return undefined;
  const lookupStart = performance.now();
  const link = run.links.prefetchedForSource(linkQualifier, sourceId);
  if (link === undefined) return undefined;
  const lookupTime = performance.now() - lookupStart;
  let facts: SourceFacts = { linkedTargetId: link === null ? null : run.links.targetOf(link), valid: true };
  for (let fact = missingSourceFact(facts); fact !== undefined; fact = missingSourceFact(facts)) {
    if (fact === 'linkedTargetExists' && run.targetIds !== undefined) {
      facts = copyWith(facts, { linkedTargetExists: run.targetIds.has(facts.linkedTargetId as string) });
    } else if (
      fact === 'correlation' &&
      correlationFor(mapping, linkQualifier, run.targetSetKnownEmpty) === undefined
    ) {
      facts = copyWith(facts, { correlation: null });
    } else {
      return undefined;
    }
  }
  const assessment = assessSourceSituation(facts);
  const decisionStart = performance.now();
  const decision = scriptlessDecision(assessment.situation, mapping.policies);
  if (decision === undefined) return undefined;
  run.record('sourceLinkQuery', lookupTime);
  run.record('activePolicyScript', performance.now() - decisionStart);
  return sourcePlan({ sourceId, source, linkQualifier, link, target: null }, assessment, decision);
}

/** The plan both paths build once the facts are assessed and the action decided. */
function sourcePlan(
  known: {
    readonly sourceId: string;
    readonly source: JsonObject;
    readonly oldSource?: JsonObject | null | undefined;
    readonly linkQualifier: string;
    readonly link: LinkRecord | null;
    readonly target: JsonObject | null;
  },
  assessment: Assessment,
  decision: ActionDecision,
): SourcePlan {
  const { sourceId, source, oldSource, linkQualifier, link, target } = known;
  return {
    plan: {
      phase: 'source',
      linkQualifier,
      situation: assessment.situation,
      decision,
      sourceId,
      source,
      ...(oldSource === undefined ? {} : { oldSource }),
      targetId: assessment.targetId ?? null,
      target,
      link,
      ambiguousTargetIds: assessment.ambiguousTargetIds ?? [],
    },
    claimed: claimedTargetIds(assessment),
  };
}

/** Runs the qualifier's correlation query or script; null when none applies (⇒ ABSENT / SOURCE_IGNORED). */
export async function correlate(
  run: SyncRun,
  source: JsonObject,
  linkQualifier: string,
): Promise<CorrelationCandidates | null> {
  const step = correlationFor(run.mapping, linkQualifier, run.targetSetKnownEmpty);
  if (step === undefined) return null;
  const evaluate = run.scripts.evaluate;
  if (step.kind === 'script') {
    const result = await timed(run, 'correlationScript', () =>
      evaluate(step.script, { source, linkQualifier }),
    );
    return correlationCandidates(result, step.script);
  }
  return timed(run, 'correlationQuery', async () => {
    const params = correlationQueryParams(
      await evaluate(step.script, { source, linkQualifier }),
      step.script,
    );
    const result = await run.target.query(params);
    return correlationCandidates(result, step.script);
  });
}

/**
 * The policy decision for a source-phase situation, of a present or a deleted source (`source` null): the
 * action context as OpenIDM's policy scripts see it in the source phase and in implicit and live sync.
 */
export function decideSourceAction(
  run: SyncRun,
  situation: Situation,
  scope: Pick<
    ActionContext,
    'source' | 'target' | 'linkQualifier' | 'sourceId' | 'targetId' | 'ambiguousTargetIds'
  >,
  evaluate: EvaluateScript,
): Promise<ActionDecision> {
  const context: ActionContext = copyWith(scope, {
    sourceAction: true,
    mapping: run.mapping.name,
    reconId: run.reconId,
  });
  return determineAction(situation, run.mapping.policies, context, evaluate);
}
