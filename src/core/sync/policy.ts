import { DomainError } from '../errors/domain-error';
import { isAction, runsPostAction, type Action } from './action';
import { conditionHolds, describe, type EvaluateScript, type JsonObject, type ScriptSpec } from './script';
import { DEFAULT_ACTIONS, type Situation } from './situation';
import type { Policy } from './sync-config.types';

/** What a policy condition or action script may look at, for one operation and link qualifier. */
export interface ActionContext {
  /** The source object; null in the target phase without a linked source, and for a deleted source. */
  readonly source: JsonObject | null;
  readonly target: JsonObject | null;
  readonly linkQualifier: string;
  /** True in the source phase and implicit/live sync, false in the recon target phase. */
  readonly sourceAction: boolean;
  readonly mapping: string;
  readonly reconId: string | null;
  readonly sourceId: string | null;
  readonly targetId: string | null;
  readonly ambiguousTargetIds: readonly string[];
}

export interface ActionDecision {
  readonly action: Action;
  /** The policy that supplied the action; undefined when the situation's default applies. */
  readonly policy?: Policy;
  /**
   * The script to run after the action, already filtered by OpenIDM's rule (§2.5): the active policy's
   * `postAction`, or when no policy matched the first policy of the situation's; never after IGNORE,
   * ASYNC or EXCEPTION.
   */
  readonly postAction?: ScriptSpec;
}

/**
 * OpenIDM's `SyncOperation.determineAction`: start from the situation's default action, go through the
 * mapping's policies for that situation in config order, and let the first whose condition holds supply
 * the action (a name, or a script returning one).
 */
/**
 * The decision when no script or condition takes part (the situation's first policy, if any, has no
 * condition and names its action): what `determineAction` gives, without a promise. Undefined otherwise.
 */
export function scriptlessDecision(
  situation: Situation,
  policies: readonly Policy[],
): ActionDecision | undefined {
  // The first policy of the situation wins when it has no condition; its action must be a name.
  const first = policies.find((policy) => policy.situation === situation);
  if (first !== undefined && (first.condition !== undefined || typeof first.action !== 'string'))
    return undefined;
  const action = first === undefined ? DEFAULT_ACTIONS[situation] : (first.action as Action);
  const postAction = runsPostAction(action) ? first?.postAction : undefined;
  return {
    action,
    ...(first === undefined ? {} : { policy: first }),
    ...(postAction === undefined ? {} : { postAction }),
  };
}

export async function determineAction(
  situation: Situation,
  policies: readonly Policy[],
  context: ActionContext,
  evaluate: EvaluateScript,
): Promise<ActionDecision> {
  const candidates = policies.filter((policy) => policy.situation === situation);
  const scope = { object: context.source, linkQualifier: context.linkQualifier };
  let active: Policy | undefined;
  for (const policy of candidates) {
    if (await conditionHolds(policy.condition, scope, evaluate)) {
      active = policy;
      break;
    }
  }
  const defaultAction = DEFAULT_ACTIONS[situation];
  const action =
    active === undefined
      ? defaultAction
      : typeof active.action === 'string'
        ? active.action
        : await runActionScript(active.action, situation, defaultAction, context, evaluate);
  const postAction = runsPostAction(action) ? (active ?? candidates[0])?.postAction : undefined;
  return {
    action,
    ...(active === undefined ? {} : { policy: active }),
    ...(postAction === undefined ? {} : { postAction }),
  };
}

async function runActionScript(
  script: ScriptSpec,
  situation: Situation,
  defaultAction: Action,
  context: ActionContext,
  evaluate: EvaluateScript,
): Promise<Action> {
  const actionParam = {
    reconId: context.reconId,
    mapping: context.mapping,
    situation,
    action: defaultAction,
    sourceId: context.sourceId,
    ...(context.targetId === null ? {} : { targetId: context.targetId }),
    linkQualifier: context.linkQualifier,
    ambiguousTargetIds: [...context.ambiguousTargetIds],
    _action: 'performAction',
  };
  const result = await evaluate(script, {
    source: context.source,
    target: context.target,
    linkQualifier: context.linkQualifier,
    sourceAction: context.sourceAction,
    recon: { actionParam },
  });
  if (isAction(result)) return result;
  throw new DomainError(
    'CONFLICT',
    `Action script for situation ${situation} must return an action name, got ${describe(result)} (${script.where})`,
    { script: script.where, situation },
  );
}
