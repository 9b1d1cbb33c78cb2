import { DomainError } from '../errors/domain-error';
import type { QueryFilter } from '../query-filter/query-filter.ast';
import { evaluateFilter } from '../query-filter/query-filter.evaluator';

export type JsonObject = Record<string, unknown>;

/**
 * A `{"type": "text/javascript", "source" | "file", "globals"?, ...}` object of sync.json, checked at load.
 * The core never runs it: it hands it to an injected `EvaluateScript` (src/scripting provides one), so that
 * decisions stay pure and testable with plain functions.
 */
export interface ScriptSpec {
  readonly type: 'text/javascript';
  /** Inline code; the value of its last expression is the result. */
  readonly source?: string;
  /** Path of a script file, relative to the project directory. */
  readonly file?: string;
  /** `globals` of the script object: extra variables in scope. */
  readonly globals: Readonly<JsonObject>;
  /** Any other keys of the script object (e.g. `workflowName`); OpenIDM puts them in scope too. */
  readonly extra: Readonly<JsonObject>;
  /** Where the script is configured, for messages: `sync.json /mappings/1/onCreate`. */
  readonly where: string;
}

/**
 * Runs a script with the given variables (plus its globals) and resolves to its result. Asynchronous
 * because scripts may call `openidm.read/query/...`, which reach other systems. `now`, when given, answers at
 * once for a script that reaches no other system, and with undefined for one that does (which is then left to
 * the asynchronous call): mappings run a few scripts per entry, and every promise costs (async hooks, garbage).
 */
export type EvaluateScript = ((script: ScriptSpec, variables: Readonly<JsonObject>) => Promise<unknown>) & {
  readonly now?: (
    script: ScriptSpec,
    variables: Readonly<JsonObject>,
  ) => { readonly value: unknown } | undefined;
};

/**
 * A condition of sync.json: a `_queryFilter` string evaluated in memory over a small document
 * (`{object, linkQualifier}` for policies, `{source, linkQualifier}` for sourceCondition, ...) or a script
 * that sees the same names as variables.
 */
export type Condition =
  | { readonly kind: 'filter'; readonly text: string; readonly filter: QueryFilter }
  | { readonly kind: 'script'; readonly script: ScriptSpec };

/**
 * Evaluates a condition. Only `true` passes: OpenIDM treats any other result of a condition script
 * (undefined, 1, "yes") as false (§12.2 #9). A missing condition passes.
 */
/** `conditionHolds` answered at once, or undefined when the condition's script must wait for another system. */
export function conditionHoldsNow(
  condition: Condition | undefined,
  scope: Readonly<JsonObject>,
  evaluate: EvaluateScript,
): boolean | undefined {
  if (condition === undefined) return true;
  if (condition.kind === 'filter') return evaluateFilter(condition.filter, scope);
  const answer = evaluate.now?.(condition.script, scope);
  return answer === undefined ? undefined : answer.value === true;
}

export async function conditionHolds(
  condition: Condition | undefined,
  scope: Readonly<JsonObject>,
  evaluate: EvaluateScript,
): Promise<boolean> {
  if (condition === undefined) return true;
  if (condition.kind === 'filter') return evaluateFilter(condition.filter, scope);
  return (await evaluate(condition.script, scope)) === true;
}

/**
 * The result of a `validSource`/`validTarget` script, which must be a boolean: anything else is an error
 * for this entry (OpenIDM: "validSource script must return a boolean"), never a silent false.
 */
export function requireBoolean(value: unknown, script: ScriptSpec, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new DomainError(
    'CONFLICT',
    `${name} script must return a boolean, got ${describe(value)} (${script.where})`,
    {
      script: script.where,
    },
  );
}

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
