import { badRequest, DomainError } from '../errors/domain-error';
import { parsePointer } from '../json-pointer/json-pointer';
import type { ComparisonOperator, FilterValue, QueryFilter } from './query-filter.ast';

/**
 * Parses a CREST `_queryFilter` (grammar in shared/reference/openidm-sync-facts.md §7.3):
 *
 *   Expr := AndExpr ('or' AndExpr)*     AndExpr := NotExpr ('and' NotExpr)*
 *   NotExpr := '!' PrimaryExpr | PrimaryExpr
 *   PrimaryExpr := '(' Expr ')' | Pointer 'pr' | Pointer Op Value | 'true' | 'false'
 *
 * Keywords and operators are case-insensitive. `true`/`false` in expression position are always the
 * literals, as in CREST; a field of that name is written `/true`. Errors are 400s whose message names
 * what was expected and the 0-based character position where the filter stopped making sense.
 */
export function parseQueryFilter(text: string): QueryFilter {
  const parser = new Parser(text);
  const filter = parser.parseOr(0);
  const rest = parser.lexer.peek();
  if (rest.kind !== 'end') parser.fail("'and', 'or' or the end of the filter", rest);
  return filter;
}

/** Deeper nesting is refused (CREST's limit) so that hostile input cannot exhaust the stack. */
export const MAX_FILTER_DEPTH = 256;

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['eq', 'co', 'sw', 'gt', 'ge', 'lt', 'le']);
const EXTENDED_OPERATOR = /^[a-zA-Z_0-9.]+$/;
// JSON-style numbers; CREST reads those with a '.' as doubles and the rest as longs, both plain numbers here.
const NUMBER = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

type Token =
  | { readonly kind: 'lparen' | 'rparen' | 'not' | 'end'; readonly text: string; readonly position: number }
  | { readonly kind: 'word'; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly text: string; readonly value: string; readonly position: number };

class Parser {
  readonly lexer: Lexer;

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text, (expected, position) => this.error(expected, position));
  }

  parseOr(depth: number): QueryFilter {
    const filters = [this.parseAnd(depth)];
    while (isKeyword(this.lexer.peek(), 'or')) {
      this.lexer.next();
      filters.push(this.parseAnd(depth));
    }
    return filters.length === 1 && filters[0] ? filters[0] : { type: 'or', filters };
  }

  private parseAnd(depth: number): QueryFilter {
    const filters = [this.parseNot(depth)];
    while (isKeyword(this.lexer.peek(), 'and')) {
      this.lexer.next();
      filters.push(this.parseNot(depth));
    }
    return filters.length === 1 && filters[0] ? filters[0] : { type: 'and', filters };
  }

  private parseNot(depth: number): QueryFilter {
    const token = this.lexer.peek();
    if (token.kind !== 'not') return this.parsePrimary(depth);
    this.lexer.next();
    this.checkDepth(depth + 1, token);
    return { type: 'not', filter: this.parsePrimary(depth + 1, true) };
  }

  private parsePrimary(depth: number, negated = false): QueryFilter {
    const token = this.lexer.next();
    switch (token.kind) {
      case 'lparen': {
        this.checkDepth(depth + 1, token);
        const inner = this.parseOr(depth + 1);
        const close = this.lexer.next();
        if (close.kind !== 'rparen') this.fail("')'", close);
        return inner;
      }
      case 'word':
        if (isKeyword(token, 'true')) return { type: 'true' };
        if (isKeyword(token, 'false')) return { type: 'false' };
        return this.parseAssertion(token);
      case 'rparen':
      case 'not':
      case 'string':
      case 'end':
        // CREST allows a single `!` before a primary expression: `!!a pr` is an error, `!(!(a pr))` is not.
        return this.fail(negated ? "a field, '(', true or false" : "a field, '(', '!', true or false", token);
    }
  }

  private parseAssertion(fieldToken: Token): QueryFilter {
    const field = this.pointer(fieldToken);
    const opToken = this.lexer.next();
    if (opToken.kind !== 'word' || !EXTENDED_OPERATOR.test(opToken.text)) {
      return this.fail('an operator (eq, co, sw, gt, ge, lt, le, pr or an extended operator)', opToken);
    }
    const operator = opToken.text.toLowerCase();
    if (operator === 'pr') return { type: 'present', field };
    const value = this.parseValue();
    if (COMPARISON_OPERATORS.has(operator)) {
      return { type: 'comparison', operator: operator as ComparisonOperator, field, value };
    }
    return { type: 'extended', operator: opToken.text, field, value };
  }

  private parseValue(): FilterValue {
    const token = this.lexer.next();
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word') {
      if (isKeyword(token, 'true')) return true;
      if (isKeyword(token, 'false')) return false;
      const number = NUMBER.test(token.text) ? Number(token.text) : NaN;
      if (Number.isFinite(number)) return number;
    }
    return this.fail('a value (a quoted string, a number, true or false)', token);
  }

  private pointer(token: Token): string[] {
    try {
      return parsePointer(token.text);
    } catch (err) {
      const inner = err instanceof DomainError ? err.detail?.['position'] : undefined;
      const position = token.position + (typeof inner === 'number' ? inner : 0);
      return this.error("'~0' or '~1' in the field pointer", position);
    }
  }

  private checkDepth(depth: number, token: Token): void {
    if (depth > MAX_FILTER_DEPTH) this.error(`at most ${MAX_FILTER_DEPTH} levels of nesting`, token.position);
  }

  fail(expected: string, found: Token): never {
    const what = found.kind === 'end' ? 'the end of the filter' : `'${found.text}'`;
    return this.error(`${expected} but found ${what}`, found.position);
  }

  private error(expected: string, position: number): never {
    throw badRequest(`Invalid query filter '${this.text}': expected ${expected} at position ${position}`, {
      filter: this.text,
      position,
    });
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === keyword;
}

/**
 * Splits lazily, so that the first error reported is the leftmost one. Words run until whitespace, a
 * parenthesis or a quote; `!` is a token of its own only where a token starts.
 */
class Lexer {
  private index = 0;
  private lookahead: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly error: (expected: string, position: number) => never,
  ) {}

  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private scan(): Token {
    const text = this.text;
    while (this.index < text.length && /\s/.test(text.charAt(this.index))) this.index++;
    const position = this.index;
    const char = text.charAt(position);
    if (position >= text.length) return { kind: 'end', text: '', position };
    if (char === '(' || char === ')' || char === '!') {
      this.index++;
      return { kind: char === '(' ? 'lparen' : char === ')' ? 'rparen' : 'not', text: char, position };
    }
    if (char === '"' || char === "'") return this.scanString(char, position);
    while (this.index < text.length && !/[\s()"']/.test(text.charAt(this.index))) this.index++;
    return { kind: 'word', text: text.slice(position, this.index), position };
  }

  /** Quoted with `"` or `'`; a backslash takes the next character literally (`\"`, `\'`, `\\`). */
  private scanString(quote: string, position: number): Token {
    const text = this.text;
    let value = '';
    this.index = position + 1;
    while (this.index < text.length) {
      const char = text.charAt(this.index);
      if (char === quote) {
        this.index++;
        return { kind: 'string', text: text.slice(position, this.index), value, position };
      }
      if (char === '\\') {
        if (this.index + 1 >= text.length) break;
        this.index++;
      }
      // Copy whole code points so that an escaped astral character stays intact.
      const codePoint = text.codePointAt(this.index) ?? 0;
      const piece = String.fromCodePoint(codePoint);
      value += piece;
      this.index += piece.length;
    }
    return this.error(`a closing ${quote} (string opened at position ${position})`, text.length);
  }
}
