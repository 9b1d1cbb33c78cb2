import { types } from 'node:util';
import * as vm from 'node:vm';
import { boundedExpressionBody, isBoundedExpression } from './bounded-expression';
import { dataProperty } from './sandbox-value';
import { BOOTSTRAP_SOURCE } from './script-sandbox.bootstrap';

/** Answers a script's calls to `openidm.*` and `logger.*` during one run: strings in, a JSON reply out. */
export type BridgeHandler = (method: string, args: unknown[]) => { value: unknown } | { error: string };

/** The result of running a compiled script once. */
export type Execution =
  | { readonly kind: 'completed'; readonly value: unknown; readonly global: object }
  | { readonly kind: 'threw'; readonly thrown: unknown }
  | { readonly kind: 'timed-out' };

const TIMEOUT_CODE = 'ERR_SCRIPT_EXECUTION_TIMEOUT';
const NO_LIMIT: vm.RunningScriptOptions = { displayErrors: false };
/** Compiled scripts that are plain expressions, which run without a time limit (see `compile`). */
const BOUNDED = new WeakSet<vm.Script>();
/** Single plain expressions, compiled a second time as a function of their variables' JSON (`evaluateExpression`). */
const EXPRESSION_FUNCTIONS = new WeakMap<vm.Script, vm.Script>();

type ExpressionFunction = (variablesJson: string) => unknown;

/**
 * One reusable `node:vm` context for scripts (see script-sandbox.bootstrap.ts for what is in it). Runs
 * are synchronous and never overlap (Node runs one at a time), so the current run's variables and
 * bridge handler are simply fields set around `runInContext`. A context is replaced after a timeout or
 * when a script left a global that cannot be removed.
 */
export class ScriptSandbox {
  private context: vm.Context | undefined;
  private variablesJson = '{}';
  private handler: BridgeHandler | undefined;
  private poisoned = false;
  /** The functions of EXPRESSION_FUNCTIONS made in the current context. */
  private expressions = new WeakMap<vm.Script, ExpressionFunction>();

  /** Whether `script` (from `compile`) is a single plain expression, which `evaluateExpression` runs. */
  static isSingleExpression(script: vm.Script): boolean {
    return EXPRESSION_FUNCTIONS.has(script);
  }

  /** Compiles user code for this sandbox: the global reset first, the code in a block so that its
   *  `let`/`const` are scoped to one run, and its last expression's value as the completion value. */
  static compile(source: string, fileName: string): vm.Script {
    const bounded = isBoundedExpression(source);
    const enter = bounded ? '__concord.enterExpression();' : '__concord.enter();';
    const script = new vm.Script(`${enter}{${source}\n}`, { filename: fileName });
    if (bounded) BOUNDED.add(script);
    const body = boundedExpressionBody(source);
    if (body !== null) {
      // The source compiled above as a block: the body cannot close the parenthesis it is put in. It can still
      // be several statements split by line breaks (`a⏎b`), which do not compile as one expression: such a
      // source keeps the general form. The prefix stays on the first line so that line numbers are the source's.
      const wrapped = `(function (json) { with (__concord.scope(json)) { return (${body}\n); } })`;
      try {
        EXPRESSION_FUNCTIONS.set(script, new vm.Script(wrapped, { filename: fileName }));
      } catch {
        // not a single expression
      }
    }
    return script;
  }

  /**
   * Runs a single plain expression (see `compile`) as a function: its variables are the properties of the object
   * it is evaluated `with`, so the run defines and deletes no globals, which on a `node:vm` global costs several
   * times the expression. Null when `script` has no such form: `execute` it. The variables' final values are
   * not readable afterwards: a run that wants them back (`capture`) takes `execute`.
   */
  evaluateExpression(script: vm.Script, variablesJson: string): Execution | null {
    const factory = EXPRESSION_FUNCTIONS.get(script);
    if (factory === undefined) return null;
    const context = this.current();
    let expression = this.expressions.get(script);
    if (expression === undefined) {
      expression = factory.runInContext(context) as ExpressionFunction;
      this.expressions.set(script, expression);
    }
    try {
      return { kind: 'completed', value: expression(variablesJson), global: context };
    } catch (error) {
      return { kind: 'threw', thrown: error };
    } finally {
      if (this.poisoned) this.context = undefined;
      this.poisoned = false;
    }
  }

  /**
   * Runs `script` with `variablesJson` (an object of variable values, as JSON text) as its globals.
   * `timeoutMs` bounds the run, microtasks included.
   */
  execute(script: vm.Script, variablesJson: string, handler: BridgeHandler, timeoutMs: number): Execution {
    const context = this.current();
    this.variablesJson = variablesJson;
    this.handler = handler;
    try {
      // A plain expression needs no watchdog thread, which costs more than the expression (bounded-expression.ts).
      const limit = BOUNDED.has(script) ? NO_LIMIT : { timeout: timeoutMs, displayErrors: false };
      const value: unknown = script.runInContext(context, limit);
      return { kind: 'completed', value, global: context };
    } catch (error) {
      // Checked without `instanceof`: the error comes from Node's realm, which may not be the caller's (Jest).
      if (types.isNativeError(error) && dataProperty(error, 'code') === TIMEOUT_CODE) {
        this.context = undefined;
        return { kind: 'timed-out' };
      }
      return { kind: 'threw', thrown: error };
    } finally {
      this.handler = undefined;
      if (this.poisoned) this.context = undefined;
      this.poisoned = false;
    }
  }

  private current(): vm.Context {
    if (this.context !== undefined) return this.context;
    // A null-prototype sandbox object: with `{}` the global would inherit the host's Object.prototype.
    const context = vm.createContext(Object.create(null) as object, {
      name: 'concord-script',
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
    });
    const install = vm.runInContext(BOOTSTRAP_SOURCE, context, { timeout: 5000 }) as (
      bridge: (method: string, payload: string) => string,
    ) => void;
    install((method, payload) => this.bridge(method, payload));
    this.context = context;
    this.expressions = new WeakMap();
    return context;
  }

  /** Never throws: a host exception reaching the sandbox would carry the host's prototypes. */
  private bridge(method: string, payload: string): string {
    try {
      if (method === 'enter') return this.variablesJson;
      if (method === 'poisoned') {
        this.poisoned = true;
        return '{}';
      }
      const handler = this.handler;
      if (handler === undefined)
        return JSON.stringify({ error: 'openidm is not available outside a script run' });
      const args = JSON.parse(payload) as unknown[];
      const reply = handler(method, args);
      return 'error' in reply ? JSON.stringify(reply) : JSON.stringify({ value: reply.value ?? null });
    } catch (error) {
      return JSON.stringify({ error: error instanceof Error ? error.message : 'internal error' });
    }
  }
}
