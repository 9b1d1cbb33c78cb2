import { types } from 'node:util';

/**
 * Reads values that come out of the sandbox (a script's result, a variable it changed, a thrown value)
 * without running any of the script's code: no getters, no `toJSON`, no Proxy traps. Those would run
 * outside the time limit, so a hostile or buggy script could otherwise hang the host. The copy is plain
 * host JSON: Dates become ISO strings, accessors and functions are dropped, as `JSON.stringify` drops
 * functions; cycles, Proxies and BigInts are refused.
 */
export function copyOut(value: unknown, what: string): unknown {
  // Most results are strings or numbers (a transform's value): they need no record of objects seen.
  if (typeof value !== 'object' || value === null) return copy(value, what, NOTHING_SEEN, 0);
  return copy(value, what, new Set(), 0);
}

/** Never added to: `copy` records only objects, and an object gets a set of its own above. */
const NOTHING_SEEN: Set<object> = new Set();

const MAX_DEPTH = 200;

function copy(value: unknown, what: string, seen: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError(`${what} contains a BigInt, which JSON cannot hold`);
    case 'object':
      break;
  }
  if (value === null) return null;
  if (types.isProxy(value)) throw new TypeError(`${what} contains a Proxy, which Concord does not read`);
  if (types.isDate(value)) {
    const time = Date.prototype.getTime.call(value);
    return Number.isNaN(time) ? null : new Date(time).toISOString();
  }
  if (types.isBoxedPrimitive(value)) return copy(unbox(value), what, seen, depth);
  if (seen.has(value) || depth > MAX_DEPTH) throw new TypeError(`${what} is cyclic or nested too deeply`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const length = dataProperty(value, 'length') as number;
      const out: unknown[] = [];
      for (let i = 0; i < length; i++)
        out.push(copy(dataProperty(value, String(i)), what, seen, depth + 1) ?? null);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key !== 'string') continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !descriptor.enumerable || !('value' in descriptor)) continue;
      const copied = copy(descriptor.value, what, seen, depth + 1);
      if (copied !== undefined) out[key] = copied;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** An own data property's value; undefined for accessors and missing members. */
export function dataProperty(holder: object, key: string): unknown {
  const descriptor = Reflect.getOwnPropertyDescriptor(holder, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

function unbox(value: object): unknown {
  if (types.isStringObject(value)) return String.prototype.valueOf.call(value);
  if (types.isNumberObject(value)) return Number.prototype.valueOf.call(value);
  if (types.isBooleanObject(value)) return Boolean.prototype.valueOf.call(value);
  return undefined;
}

/**
 * The message of something a script threw, and the line it was thrown from, read the same careful way.
 * `fileName` is the name the script was compiled under; the line is found in the V8 stack text.
 */
export function describeThrown(thrown: unknown, fileName: string): { message: string; line?: number } {
  if (typeof thrown !== 'object' || thrown === null) {
    return { message: typeof thrown === 'symbol' ? thrown.toString() : String(thrown) };
  }
  if (types.isProxy(thrown)) return { message: 'a Proxy was thrown' };
  const message = dataProperty(thrown, 'message');
  const prototype: unknown = Reflect.getPrototypeOf(thrown);
  const name =
    prototype !== null && typeof prototype === 'object' ? dataProperty(prototype, 'name') : undefined;
  const text =
    typeof message === 'string'
      ? typeof name === 'string' && name !== 'Error'
        ? `${name}: ${message}`
        : message
      : 'a value that is not an Error was thrown';
  const stack = dataProperty(thrown, 'stack');
  const line = typeof stack === 'string' ? lineIn(stack, fileName) : undefined;
  return line === undefined ? { message: text } : { message: text, line };
}

export function lineIn(stack: string, fileName: string): number | undefined {
  const at = stack.indexOf(`${fileName}:`);
  if (at < 0) return undefined;
  const match = /^:(\d+)/.exec(stack.slice(at + fileName.length));
  return match ? Number(match[1]) : undefined;
}
