import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as vm from 'node:vm';
import { DomainError } from '../core/errors/domain-error';
import type { EvaluateScript, JsonObject, ScriptSpec } from '../core/sync/script';
import { copyOut, dataProperty, describeThrown } from './sandbox-value';
import { RESERVED_NAMES } from './script-sandbox.bootstrap';
import { ScriptSandbox, type BridgeHandler } from './script-sandbox';
import {
  checkCall,
  formatLogMessage,
  isIoMethod,
  performCall,
  type FacadeCall,
  type OpenidmFacade,
  type ScriptLogLevel,
  type ScriptLogger,
} from './script-facade';
import { refuseUnsupportedSyntax } from './script-source';
import { boundedExpressionBody } from './bounded-expression';
import { HostExpression, NOT_A_VARIABLE } from './host-expression';

export interface ScriptRunnerOptions {
  /** Script `file` paths are relative to this directory. */
  readonly projectDir: string;
  readonly openidm: OpenidmFacade;
  readonly logger: ScriptLogger;
  /** Time limit of one run, in ms (default 1000). */
  readonly timeoutMs?: number;
  /** Most `openidm.*` I/O calls one run may make (default 100; see `run`). */
  readonly maxFacadeCalls?: number;
}

export interface RunOptions {
  /** Variables whose final value the caller wants back (`target` after onCreate, which may change it). */
  readonly capture?: readonly string[];
  readonly timeoutMs?: number;
}

export interface ScriptOutcome {
  /** The value of the script's last expression, as JSON. */
  readonly value: unknown;
  /** The captured variables, as JSON. */
  readonly variables: Readonly<JsonObject>;
}

interface JournalEntry {
  readonly call: FacadeCall;
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * Runs sync.json scripts (`text/javascript`) in a `node:vm` sandbox: no `require`, `process`, `module`,
 * `import()`, promises or code generation from strings; only the given variables, the script's `globals`,
 * `openidm`, `logger` and the JavaScript built-ins. Each script is compiled once per runner (create one
 * runner per recon run, so edited files are picked up by the next run) and each run is time-limited.
 *
 * `openidm.read/query/create/update/patch/delete/action` are synchronous for the script, as in OpenIDM,
 * but asynchronous in Node. A run that calls one is stopped at that call, the runner performs it, and
 * the script is run again from the start with the answer recorded in a journal; calls already answered
 * are replayed from the journal, so every call, write or read, reaches the system once. The script's
 * own effects are lost with each discarded run (its variables start afresh; its log lines are kept
 * only from the final run). A script whose calls differ between runs (e.g. a resource name built from
 * `Date.now()`) fails with a clear error. The cost is one extra run per I/O call, cheap next to the I/O.
 */
export class ScriptRunner {
  /** Number of compilations so far: one per distinct script, however many entries run it. */
  compilations = 0;
  private readonly sandbox = new ScriptSandbox();
  private readonly inline = new WeakMap<ScriptSpec, Compiled>();
  private readonly files = new Map<string, Compiled>();
  private readonly timeoutMs: number;
  private readonly maxFacadeCalls: number;

  constructor(private readonly options: ScriptRunnerOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.maxFacadeCalls = options.maxFacadeCalls ?? 100;
  }

  /**
   * Evaluation function for the decision core: resolves to the script's value; `now` answers at once for a
   * script that calls no `openidm` I/O method (most transforms and conditions), without a promise.
   */
  readonly evaluate: EvaluateScript = Object.assign(
    async (script: ScriptSpec, variables: Readonly<JsonObject>) => (await this.run(script, variables)).value,
    {
      now: (script: ScriptSpec, variables: Readonly<JsonObject>): { value: unknown } | undefined => {
        const { compiled, reads, host } = this.compiled(script);
        const answer = hostAnswer(host, script, variables);
        if (answer !== undefined) return answer;
        const attempt = this.attempt(script, compiled, variablesJson(script, variables, reads), [], {});
        return attempt.kind === 'done' ? { value: attempt.outcome.value } : undefined;
      },
    },
  );

  /** Compiles now (at start-up or run start) so that syntax errors surface before any entry. */
  compile(script: ScriptSpec): void {
    this.compiled(script);
  }

  async run(
    script: ScriptSpec,
    variables: Readonly<JsonObject>,
    options: RunOptions = {},
  ): Promise<ScriptOutcome> {
    const { compiled, reads, host } = this.compiled(script);
    if (options.capture === undefined || options.capture.length === 0) {
      const answer = hostAnswer(host, script, variables);
      if (answer !== undefined) return { value: answer.value, variables: {} };
    }
    const input = variablesJson(script, variables, reads);
    const journal: JournalEntry[] = [];
    for (;;) {
      const attempt = this.attempt(script, compiled, input, journal, options);
      if (attempt.kind === 'done') return attempt.outcome;
      if (journal.length >= this.maxFacadeCalls) {
        throw scriptError(script, `more than ${this.maxFacadeCalls} openidm calls in one run`);
      }
      journal.push(await this.perform(attempt.call));
    }
  }

  /**
   * One run of the script from the start, with the `openidm` calls of `journal` answered from it: its outcome,
   * or the first call not answered yet, which the caller performs before the next attempt. Throws the script's
   * failure (a thrown error, a time-out, calls that differ from the journal's).
   */
  private attempt(
    script: ScriptSpec,
    compiled: vm.Script,
    input: string,
    journal: readonly JournalEntry[],
    options: RunOptions,
  ): { kind: 'done'; outcome: ScriptOutcome } | { kind: 'call'; call: FacadeCall } {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const run = {
      cursor: 0,
      pending: undefined as FacadeCall | undefined,
      failure: undefined as string | undefined,
    };
    const logs: { level: ScriptLogLevel; message: string }[] = [];
    const handler: BridgeHandler = (method, args) => {
      if (method === 'log') {
        logs.push({ level: args[0] as ScriptLogLevel, message: formatLogMessage(args.slice(1)) });
        return { value: null };
      }
      if (method === 'decrypt') return { value: this.options.openidm.decrypt(args[0]) };
      if (!isIoMethod(method)) return { error: `openidm.${method} is not available` };
      const call = checkCall(method, args);
      if (typeof call === 'string') return { error: call };
      const recorded = journal[run.cursor];
      if (recorded !== undefined) {
        run.cursor++;
        if (recorded.call.method === call.method && recorded.call.args[0] === call.args[0]) {
          return recorded.error === undefined ? { value: recorded.value } : { error: recorded.error };
        }
        run.failure = `the script called openidm.${call.method}('${String(call.args[0])}') where it called openidm.${recorded.call.method}('${String(recorded.call.args[0])}') before; scripts that call openidm must do so the same way on every run`;
        return { error: run.failure };
      }
      run.pending ??= call;
      return { error: `openidm.${call.method} is being performed` };
    };
    const execution =
      (options.capture === undefined || options.capture.length === 0
        ? this.sandbox.evaluateExpression(compiled, input)
        : null) ?? this.sandbox.execute(compiled, input, handler, timeoutMs);
    if (execution.kind === 'timed-out') {
      throw new DomainError('CONFLICT', `Script timed out after ${timeoutMs} ms (${script.where})`, {
        script: script.where,
      });
    }
    if (run.failure !== undefined) throw scriptError(script, run.failure);
    if (run.pending !== undefined) return { kind: 'call', call: run.pending };
    for (const log of logs) this.options.logger.log(log.level, log.message, { script: script.where });
    if (execution.kind === 'threw') {
      const thrown = describeThrown(execution.thrown, fileNameOf(script));
      throw scriptError(script, thrown.message, thrown.line);
    }
    const captured: JsonObject = {};
    for (const name of options.capture ?? []) {
      captured[name] = copyOut(dataProperty(execution.global, name), `variable ${name}`) ?? null;
    }
    return {
      kind: 'done',
      outcome: { value: copyOut(execution.value, 'the script result'), variables: captured },
    };
  }

  private async perform(call: FacadeCall): Promise<JournalEntry> {
    try {
      const value: unknown = await performCall(this.options.openidm, call);
      return { call, value: value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown) };
    } catch (error) {
      return { call, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private compiled(script: ScriptSpec): Compiled {
    const cached = this.inline.get(script);
    if (cached !== undefined) return cached;
    let compiled: Compiled;
    if (script.source !== undefined) {
      compiled = this.compileSource(script.source, script.where, script);
    } else {
      const path = resolve(this.options.projectDir, script.file ?? '');
      compiled =
        this.files.get(path) ?? this.compileSource(readScriptFile(path, script), script.file ?? path, script);
      this.files.set(path, compiled);
    }
    this.inline.set(script, compiled);
    return compiled;
  }

  private compileSource(source: string, fileName: string, script: ScriptSpec): Compiled {
    refuseUnsupportedSyntax(source, script.where);
    try {
      const compiled = ScriptSandbox.compile(source, fileName);
      this.compilations++;
      // Only what the sandbox itself runs as one plain expression: V8 has then settled where statements end.
      const body = ScriptSandbox.isSingleExpression(compiled) ? boundedExpressionBody(source) : null;
      const host = body === null ? null : HostExpression.compile(body);
      return { compiled, reads: namesRead(source), host };
    } catch (error) {
      const thrown = describeThrown(error, fileName);
      throw new DomainError('CONFIG_INVALID', `Script syntax error in ${script.where}: ${thrown.message}`, {
        script: script.where,
      });
    }
  }
}

function readScriptFile(path: string, script: ScriptSpec): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new DomainError('CONFIG_INVALID', `Script file ${path} cannot be read (${script.where})`, {
      script: script.where,
      file: path,
    });
  }
}

function fileNameOf(script: ScriptSpec): string {
  return script.source !== undefined ? script.where : (script.file ?? script.where);
}

interface Compiled {
  readonly compiled: vm.Script;
  /** The variables the script can read: those it names, or all of them (`undefined`). */
  readonly reads: ReadonlySet<string> | undefined;
  /** The script evaluated without the sandbox, when it is a bounded expression of a form that allows it. */
  readonly host: HostExpression | null;
}

/** The script's value computed without the sandbox, copied out as the sandbox's would be; undefined when it gives up. */
function hostAnswer(
  host: HostExpression | null,
  script: ScriptSpec,
  variables: Readonly<JsonObject>,
): { value: unknown } | undefined {
  const answer = host?.evaluate((name) => variableNamed(script, variables, name));
  return answer === undefined ? undefined : { value: copiedOut(answer.value) };
}

/**
 * A variable's value as the sandbox would see it (variablesJson: the run's variables, then the script's
 * `globals`, then its extra keys, the first that has the name); NOT_A_VARIABLE when none has it.
 */
function variableNamed(script: ScriptSpec, variables: Readonly<JsonObject>, name: string): unknown {
  if (hasOwn(variables, name)) return variables[name];
  if (hasOwn(script.globals, name)) return script.globals[name];
  return hasOwn(script.extra, name) ? script.extra[name] : NOT_A_VARIABLE;
}

function hasOwn(holder: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(holder, name);
}

/** A host answer as the sandbox's would come out: objects as their JSON (the sandbox held a parsed copy). */
function copiedOut(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return copyOut(value, 'the script result');
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Which variables a script can read. Without `eval` or code from strings (refused by the sandbox), a script
 * reaches a variable by naming it, or through the global object (`globalThis`, or `this` in a plain call).
 * Every identifier-like word of the source counts, in strings and comments too: more than it reads, never
 * less. Passing a transform `source` alone rather than `source`, `target` and the rest spares copying
 * objects it never looks at into the sandbox (a recon runs such scripts on every entry).
 */
function namesRead(source: string): ReadonlySet<string> | undefined {
  const words = new Set(source.match(/[A-Za-z_$][\w$]*/g) ?? []);
  return words.has('globalThis') || words.has('this') ? undefined : words;
}

/**
 * Variables as JSON: the script object's extra keys, then its `globals`, then this run's variables. A name given
 * twice is written twice and the last one wins, as JSON.parse reads duplicate keys; built as text, without an
 * intermediate object, as it runs once per script run.
 */
function variablesJson(
  script: ScriptSpec,
  variables: Readonly<JsonObject>,
  reads: ReadonlySet<string> | undefined,
): string {
  let json = '';
  for (const source of [script.extra, script.globals, variables]) {
    for (const name of Object.keys(source)) {
      if (RESERVED_NAMES.has(name) || (reads !== undefined && !reads.has(name))) continue;
      const value = source[name];
      const text = value === undefined ? 'null' : JSON.stringify(value);
      // A value JSON has no form for (a function) is left out, as JSON.stringify leaves out such a member.
      if (text === undefined) continue;
      json += `${json === '' ? '' : ','}${JSON.stringify(name)}:${text}`;
    }
  }
  return `{${json}}`;
}

function scriptError(script: ScriptSpec, message: string, line?: number): DomainError {
  const at = line === undefined ? script.where : `${script.where}, line ${line}`;
  return new DomainError('CONFLICT', `Script error in ${at}: ${message}`, {
    script: script.where,
    ...(line === undefined ? {} : { line }),
  });
}
