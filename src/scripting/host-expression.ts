import * as vm from 'node:vm';
import { boundedTokens, type BoundedToken } from './bounded-expression';

/**
 * A bounded expression (bounded-expression.ts: names, member reads, literals and operators, no calls)
 * evaluated in the host, without entering the sandbox. In the sandbox each run costs serialising its
 * variables to JSON, parsing them again inside the context and copying the result out; the typical
 * sync.json condition or transform (`!!object.description`, `source.displayName || (source.givenName + ' ' +
 * source.sn)`) costs a few operations besides. A first recon runs four such scripts per entry to prove that
 * the reverse mapping has nothing to write (pending-link-echo.ts), a fifth of its CPU.
 *
 * The answer must be the sandbox's to the letter, so the evaluation gives up (`undefined`, and the caller runs
 * the sandbox) wherever the two could differ: a name that is not a variable (globals, `undefined`), a value
 * JSON would not carry as it is (a non-finite number, a function, an object that is not plain or has
 * `toJSON`), an inherited member (`object.constructor`), a member of a number or boolean, a read of a member
 * of null (the sandbox's TypeError is the message to give), an operator other than `! || && ?? ?:` applied
 * to an object (its conversion would run host methods), and a string literal with an escape. Nothing here
 * calls into the data: no getter of a plain object exists and no conversion of an object is attempted, so
 * it needs no time limit.
 */
export class HostExpression {
  private constructor(private readonly root: Node) {}

  /** The expression of a bounded body (boundedExpressionBody), or null when it has a form not handled here. */
  static compile(body: string): HostExpression | null {
    const tokens = tokenize(body);
    if (tokens === null) return null;
    const parser = new Parser(tokens);
    const root = parser.expression();
    return root !== null && parser.done() ? new HostExpression(root) : null;
  }

  /**
   * The value, as the sandbox would give it before copying out; undefined when the sandbox must answer.
   * `variable(name)` gives a variable's value, or NOT_A_VARIABLE.
   */
  evaluate(variable: (name: string) => unknown): { value: unknown } | undefined {
    try {
      return { value: evaluate(this.root, variable) };
    } catch (error) {
      if (error === GIVE_UP) return undefined;
      throw error;
    }
  }
}

/** What `variable` answers for a name that is not one. */
export const NOT_A_VARIABLE: unique symbol = Symbol('not a variable');

type Node =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'member'; readonly object: Node; readonly name: string; readonly optional: boolean }
  /** Parentheses: they end an optional chain, so `(a?.b).c` reads `c` of undefined, as JavaScript does. */
  | { readonly kind: 'group'; readonly inner: Node }
  | { readonly kind: 'unary'; readonly operator: string; readonly operand: Node }
  | { readonly kind: 'binary'; readonly operator: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node };

/**
 * Thrown through the evaluation to say "let the sandbox answer"; one instance made once, so giving up costs no
 * stack trace.
 */
const GIVE_UP = new Error('the sandbox answers this one');

function evaluate(node: Node, variable: (name: string) => unknown): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'name':
      return variableValue(node.name, variable);
    case 'member':
      return memberChain(node, variable).value;
    case 'group':
      return evaluate(node.inner, variable);
    case 'unary':
      return unary(node.operator, evaluate(node.operand, variable));
    case 'conditional':
      return evaluate(node.test, variable)
        ? evaluate(node.then, variable)
        : evaluate(node.otherwise, variable);
    case 'binary': {
      const left = evaluate(node.left, variable);
      switch (node.operator) {
        case '||':
          return left || evaluate(node.right, variable);
        case '&&':
          return left && evaluate(node.right, variable);
        case '??':
          return left ?? evaluate(node.right, variable);
      }
      return binary(node.operator, left, evaluate(node.right, variable));
    }
  }
}

function variableValue(name: string, variable: (name: string) => unknown): unknown {
  if (SANDBOX_GLOBALS.has(name)) throw GIVE_UP;
  const value = variable(name);
  if (value === NOT_A_VARIABLE) throw GIVE_UP;
  // Variables travel as JSON, where an undefined value is written as null.
  return carried(value === undefined ? null : value);
}

/**
 * `a.b?.c`: an optional link on a null or undefined value ends the whole chain with undefined, as in
 * JavaScript; `short` says the chain ended so.
 */
function memberChain(
  node: Extract<Node, { kind: 'member' }>,
  variable: (name: string) => unknown,
): { value: unknown; short: boolean } {
  const inner = node.object.kind === 'member' ? memberChain(node.object, variable) : undefined;
  if (inner?.short) return inner;
  const holder = inner === undefined ? evaluate(node.object, variable) : inner.value;
  if (holder === null || holder === undefined) {
    if (node.optional) return { value: undefined, short: true };
    throw GIVE_UP;
  }
  return { value: member(holder, node.name), short: false };
}

/** A member of a value the sandbox would hold as parsed JSON. */
function member(holder: unknown, name: string): unknown {
  if (typeof holder === 'string') {
    if (name === 'length') return holder.length;
    throw GIVE_UP;
  }
  if (typeof holder !== 'object' || holder === null) throw GIVE_UP;
  // Of an array JSON keeps the elements alone; no element is named like a member.
  if (Array.isArray(holder)) {
    if (name === 'length') return holder.length;
    throw GIVE_UP;
  }
  if (Object.prototype.hasOwnProperty.call(holder, name)) {
    return carried((holder as Record<string, unknown>)[name]);
  }
  // Not own: the sandbox's parsed object inherits Object.prototype whatever this one's prototype is, so a
  // member of it (a function, `constructor`, `__proto__`) is the sandbox's to give.
  if (name in holder || name in Object.prototype) throw GIVE_UP;
  return undefined;
}

/** `value` when parsing its JSON would give the same in the sandbox; else the sandbox answers. */
function carried(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      // JSON writes -0 as 0.
      if (Number.isFinite(value)) return value === 0 ? 0 : value;
      throw GIVE_UP;
    case 'object': {
      if (value === null) return null;
      const prototype: unknown = Object.getPrototypeOf(value);
      const plain = Array.isArray(value)
        ? prototype === Array.prototype
        : prototype === Object.prototype || prototype === null;
      if (plain && !Object.prototype.hasOwnProperty.call(value, 'toJSON')) return value;
      throw GIVE_UP;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
      throw GIVE_UP;
  }
}

function unary(operator: string, operand: unknown): unknown {
  if (operator === '!') return !operand;
  if (typeof operand === 'object' && operand !== null) throw GIVE_UP;
  return operator === '-' ? -(operand as number) : +(operand as number);
}

function binary(operator: string, left: unknown, right: unknown): unknown {
  if ((typeof left === 'object' && left !== null) || (typeof right === 'object' && right !== null)) {
    throw GIVE_UP;
  }
  // Only primitives here, for which the host's operators are the sandbox's.
  const [a, b] = [left as number, right as number];
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '%':
      return a % b;
    case '==':
      return a == b;
    case '!=':
      return a != b;
    case '===':
      return a === b;
    case '!==':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
  throw GIVE_UP;
}

/** Names the sandbox resolves to its own globals rather than to a variable of that name. */
const SANDBOX_GLOBALS: ReadonlySet<string> = new Set([
  ...(vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]),
  'openidm',
  'logger',
  '__concord',
  'globalThis',
]);

type Token =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'punctuator'; readonly text: string };

/**
 * The tokens of a bounded body (bounded-expression.ts's, read as values); null for a string literal with an
 * escape (its value is left to the sandbox) and for two signs side by side, which JavaScript reads as `++` or
 * `--` (an increment), never as two signs.
 */
function tokenize(body: string): Token[] | null {
  const bounded = boundedTokens(body);
  if (bounded === null) return null;
  const tokens: Token[] = [];
  let previous: BoundedToken | undefined;
  for (const token of bounded) {
    const { kind, text } = token;
    if (SIGNS.has(text) && previous?.text === text && previous.end === token.start) return null;
    previous = token;
    if (kind === 'literal') {
      const quoted = text.startsWith("'") || text.startsWith('"');
      if (quoted && text.includes('\\')) return null;
      tokens.push({ kind: 'literal', value: quoted ? text.slice(1, -1) : Number(text) });
    } else if (kind === 'name') {
      if (text === 'true' || text === 'false') tokens.push({ kind: 'literal', value: text === 'true' });
      else if (text === 'null') tokens.push({ kind: 'literal', value: null });
      else tokens.push({ kind: 'name', name: text });
    } else tokens.push({ kind: 'punctuator', text });
  }
  return tokens;
}

const SIGNS: ReadonlySet<string> = new Set(['+', '-']);

/** Binding power of each binary operator, JavaScript's precedence (`??` beside `||`, which it cannot mix with). */
const BINARY: ReadonlyMap<string, number> = new Map([
  ['||', 1],
  ['??', 1],
  ['&&', 2],
  ['==', 3],
  ['!=', 3],
  ['===', 3],
  ['!==', 3],
  ['<', 4],
  ['>', 4],
  ['<=', 4],
  ['>=', 4],
  ['+', 5],
  ['-', 5],
  ['*', 6],
  ['%', 6],
]);

/** Precedence climbing over the tokens; null on anything unexpected (the sandbox then answers). */
class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  done(): boolean {
    return this.at === this.tokens.length;
  }

  /** A conditional expression: `test ? then : otherwise`, right-associative. */
  expression(): Node | null {
    const test = this.binary(1);
    if (test === null || !this.take('?')) return test;
    const then = this.expression();
    if (then === null || !this.take(':')) return null;
    const otherwise = this.expression();
    return otherwise === null ? null : { kind: 'conditional', test, then, otherwise };
  }

  private binary(minimum: number): Node | null {
    let left = this.unary();
    for (;;) {
      if (left === null) return null;
      const next = this.tokens[this.at];
      const power = next?.kind === 'punctuator' ? BINARY.get(next.text) : undefined;
      if (next === undefined || power === undefined || power < minimum) return left;
      this.at++;
      const right = this.binary(power + 1);
      if (right === null) return null;
      left = { kind: 'binary', operator: (next as { text: string }).text, left, right };
    }
  }

  private unary(): Node | null {
    for (const operator of ['!', '-', '+']) {
      if (this.take(operator)) {
        const operand = this.unary();
        return operand === null ? null : { kind: 'unary', operator, operand };
      }
    }
    return this.postfix();
  }

  private postfix(): Node | null {
    let node = this.primary();
    while (node !== null) {
      const optional = this.take('?.');
      if (!optional && !this.take('.')) return node;
      const name = this.tokens[this.at];
      if (name?.kind !== 'name') return null;
      this.at++;
      node = { kind: 'member', object: node, name: name.name, optional };
    }
    return null;
  }

  private primary(): Node | null {
    const token = this.tokens[this.at];
    if (token === undefined) return null;
    if (token.kind === 'literal') {
      this.at++;
      return { kind: 'literal', value: token.value };
    }
    if (token.kind === 'name') {
      this.at++;
      return { kind: 'name', name: token.name };
    }
    if (!this.take('(')) return null;
    const inner = this.expression();
    return inner !== null && this.take(')') ? { kind: 'group', inner } : null;
  }

  private take(text: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind !== 'punctuator' || token.text !== text) return false;
    this.at++;
    return true;
  }
}
