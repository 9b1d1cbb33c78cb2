import type { JsonObject, ScriptSpec } from '../core/sync/script';
import { timed, type PlannedOperation, type SyncRun } from './sync-run';

/** The variables every mapping hook (onCreate, onUpdate, onLink, postMapping, …) sees (§1.2). */
export function hookScope(run: SyncRun, plan: PlannedOperation, target: JsonObject | null): JsonObject {
  return {
    source: plan.source,
    target,
    situation: plan.situation,
    linkQualifier: plan.linkQualifier,
    sourceId: plan.sourceId,
    targetId: plan.targetId,
    oldSource: plan.oldSource ?? null,
    mappingConfig: run.mapping.raw,
    context: { reconId: run.reconId },
  };
}

/**
 * Runs a hook that may change `target` (onCreate, onUpdate, defaultMapping) and returns the target after it.
 * Scopes are built only for a hook that exists: recon calls this for every entry, mostly without hooks.
 */
export async function targetHook(
  run: SyncRun,
  name: string,
  script: ScriptSpec | undefined,
  target: JsonObject,
  scope: () => JsonObject,
): Promise<JsonObject> {
  if (script === undefined) return target;
  const result = await timed(run, name, () => run.scripts.run(script, scope(), { capture: ['target'] }));
  const changed = result.variables['target'];
  return changed !== null && typeof changed === 'object' && !Array.isArray(changed)
    ? (changed as JsonObject)
    : target;
}

export async function runHook(
  run: SyncRun,
  name: string,
  script: ScriptSpec | undefined,
  scope: () => JsonObject,
): Promise<void> {
  if (script !== undefined) await timed(run, name, () => run.scripts.evaluate(script, scope()));
}
