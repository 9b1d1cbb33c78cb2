/**
 * Code run once inside every new script context, before any script. It receives the host `bridge`
 * (strings in, strings out) and keeps it in a closure: scripts only ever see sandbox-made wrappers, so
 * nothing they can reach leads back to the host's `Function` (the classic
 * `this.constructor.constructor('return process')()` escape). It then:
 * - defines `openidm` and `logger` (frozen, not replaceable) on top of the bridge;
 * - removes `console`, `SharedArrayBuffer`, `Atomics`, `WebAssembly`, and everything that would run script
 *   code later, outside the time limit: `Promise`, `Array.fromAsync`, `FinalizationRegistry` (async
 *   functions are refused in the source, see script-source.ts);
 * - defines `__concord.enter()`, which each script run calls first (see script-sandbox.ts; plain expressions
 *   call the cheaper `enterExpression()`, or run as functions `with` the object `scope()` makes): it deletes the
 *   globals the previous run left behind and defines this run's variables, so every run starts from a
 *   fresh global scope without the cost of a new context (0.4 ms each on the reference machine);
 * - freezes every built-in constructor and prototype, so no run can change `Array.prototype` or
 *   `Error.prepareStackTrace` for the next one.
 */
export const BOOTSTRAP_SOURCE = `(function (bridge) {
  'use strict';
  const g = globalThis;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const SandboxError = Error;
  const ownKeys = Object.getOwnPropertyNames;
  const define = Object.defineProperty;
  const create = Object.create;
  const freeze = Object.freeze;
  const deleteProperty = Reflect.deleteProperty;
  const slice = Function.prototype.call.bind(Array.prototype.slice);
  function call(method, args) {
    const reply = parse(bridge(method, stringify(args)));
    if (reply.error !== undefined) throw new SandboxError(reply.error);
    return reply.value;
  }
  function facade(method) {
    return function () { return call(method, slice(arguments)); };
  }
  const openidm = freeze({
    create: facade('create'), read: facade('read'), update: facade('update'), patch: facade('patch'),
    delete: facade('delete'), query: facade('query'), action: facade('action'), decrypt: facade('decrypt'),
  });
  function log(level) {
    return function () { call('log', [level].concat(slice(arguments))); };
  }
  const logger = freeze({
    trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
  });
  for (const name of ['console', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'Promise', 'FinalizationRegistry']) {
    deleteProperty(g, name);
  }
  deleteProperty(Array, 'fromAsync');
  const fixed = { writable: false, enumerable: false, configurable: false };
  define(g, 'openidm', Object.assign({ value: openidm }, fixed));
  define(g, 'logger', Object.assign({ value: logger }, fixed));
  let baseline;
  // The variable names the last run defined, and whether the globals hold nothing else since the last sweep.
  let defined = [];
  let swept = false;
  function sweep() {
    for (const key of ownKeys(g)) {
      if (!baseline.has(key) && !deleteProperty(g, key)) bridge('poisoned', stringify([key]));
    }
  }
  function defineVariables() {
    const variables = parse(bridge('enter', '[]'));
    defined = [];
    for (const name of ownKeys(variables)) {
      if (!baseline.has(name)) {
        define(g, name, { value: variables[name], writable: true, enumerable: true, configurable: true });
        defined.push(name);
      }
    }
  }
  function enter() {
    sweep();
    defineVariables();
    swept = false; // this run's code may leave globals of its own
  }
  // A plain expression (bounded-expression.ts) cannot create globals: after a sweep, removing the last
  // run's variables is enough, which spares walking every global name on each run.
  function enterExpression() {
    if (swept) {
      for (const name of defined) deleteProperty(g, name);
    } else {
      sweep();
      swept = true;
    }
    defineVariables();
  }
  // A plain expression run as a function of its variables' JSON (script-sandbox.ts): evaluated \`with\` the
  // object this returns, its variables are never defined on (nor deleted from) the global object, which costs
  // more than the expression. Names that are not variables resolve to globals, as they would otherwise.
  function scope(json) {
    if (swept) {
      for (const name of defined) deleteProperty(g, name);
    } else {
      sweep();
      swept = true;
    }
    defined = [];
    const variables = parse(json);
    const names = create(null);
    for (const name of ownKeys(variables)) if (!baseline.has(name)) names[name] = variables[name];
    return names;
  }
  define(g, '__concord', Object.assign({ value: freeze({ enter: enter, enterExpression: enterExpression, scope: scope }) }, fixed));
  for (const key of ownKeys(g)) {
    const value = g[key];
    if (key === 'globalThis' || value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    freeze(value);
    if (typeof value === 'function' && value.prototype) freeze(value.prototype);
  }
  freeze(Object.getPrototypeOf(function* () {}));
  freeze(Object.getPrototypeOf([][Symbol.iterator]()));
  freeze(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  for (const key of ownKeys(g)) {
    const descriptor = Object.getOwnPropertyDescriptor(g, key);
    if (descriptor && descriptor.configurable && 'value' in descriptor && key !== 'globalThis') {
      // With the value: Node copies a descriptor without one onto the sandbox object as \`undefined\`.
      define(g, key, { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false });
    }
  }
  baseline = new Set(ownKeys(g));
})`;

/** Globals a script variable may not shadow: the facade and the sandbox's own entry point. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['openidm', 'logger', '__concord', 'globalThis']);
