import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';
import type { Condition, EvaluateScript, JsonObject, ScriptSpec } from '../../../src/core/sync/script';

/**
 * Scripts for core tests: the "source" of a script names a plain function in `behaviours`, so decisions
 * are tested without a JavaScript sandbox. `evaluate` records every call.
 */
export function scriptsOf(behaviours: Record<string, (vars: JsonObject) => unknown>) {
  const calls: { script: string; variables: JsonObject }[] = [];
  const evaluate: EvaluateScript = async (script, variables) => {
    const behaviour = behaviours[script.source ?? ''];
    if (behaviour === undefined) throw new Error(`no behaviour for script ${script.source}`);
    calls.push({ script: script.source ?? '', variables: structuredClone(variables) });
    return behaviour(variables);
  };
  return { evaluate, calls };
}

export function script(name: string, where = `test ${name}`): ScriptSpec {
  return { type: 'text/javascript', source: name, globals: {}, extra: {}, where };
}

export function filter(text: string): Condition {
  return { kind: 'filter', text, filter: parseQueryFilter(text) };
}

export function scriptCondition(name: string): Condition {
  return { kind: 'script', script: script(name) };
}

export const noScripts: EvaluateScript = async (spec) => {
  throw new Error(`unexpected script ${spec.where}`);
};
