/**
 * Whether a script's source is a plain expression that cannot run for long, so that it may run without the
 * per-run time limit. `node:vm` enforces a `timeout` by starting a watchdog thread for each run, which costs
 * ~0.1 ms (more on a loaded machine) where the typical sync.json script — `!!object.description`,
 * `source.displayName || (source.givenName + ' ' + source.sn)` — runs in a few microseconds; a recon pays
 * that per entry and per script.
 *
 * Every character of the source must belong to one of these tokens, else the answer is no (and the script
 * keeps its time limit): whitespace; string literals in '…' or "…"; decimal numbers; identifiers that are not
 * reserved words (`true`, `false`, `null` allowed); member access `.name` / `?.name`; the operators
 * `|| && ?? ! + - * % == != === !== < > <= >= ? :`; `;`; and parentheses that group, never call (a `(` right
 * after a name, a literal or a `)` is a call). With no calls, loops, assignments, regular expressions,
 * templates, brackets, braces, `new` or commas, a run does a fixed number of steps, each bounded by the size
 * of its JSON inputs (the only code it reaches besides its own is built-in: property reads and the
 * conversions of `+` and comparisons on JSON data). Escapes in names and comments are refused with the rest.
 */
export function isBoundedExpression(source: string): boolean {
  return scanBounded(source) !== null;
}

/**
 * The single expression a bounded source is, without its trailing semicolons (`a || b;` → `a || b`), so that
 * it can be the operand of a `return`; null when the source is not bounded, is empty, or has a `;` anywhere
 * but at its end (`a; b` is two statements). The text keeps every character's place otherwise, so lines and
 * columns in error messages stay those of the source.
 */
export function boundedExpressionBody(source: string): string | null {
  const scan = scanBounded(source);
  if (scan === null || scan.expressionEnd === 0 || scan.semicolonBeforeEnd) return null;
  return source.slice(0, scan.expressionEnd);
}

interface BoundedScan {
  /** Where the last token other than whitespace and `;` ends. */
  readonly expressionEnd: number;
  /** Whether a `;` comes before that token. */
  readonly semicolonBeforeEnd: boolean;
}

function scanBounded(source: string): BoundedScan | null {
  const tokens = boundedTokens(source);
  if (tokens === null) return null;
  let previous: 'start' | 'operator' | 'operand' | 'member' = 'start';
  let expressionEnd = 0;
  let semicolonSeen = false;
  let semicolonBeforeEnd = false;
  for (const { kind, text, end } of tokens) {
    if (kind === 'operator' && text === ';') semicolonSeen = true;
    else {
      expressionEnd = end;
      semicolonBeforeEnd = semicolonSeen;
    }
    if (previous === 'member') {
      if (kind !== 'name' || RESERVED.has(text)) return null;
      previous = 'operand';
      continue;
    }
    if (kind === 'literal') previous = 'operand';
    else if (kind === 'name') {
      if (RESERVED.has(text) && !LITERAL_NAMES.has(text)) return null;
      previous = 'operand';
    } else if (kind === 'member') {
      if (previous !== 'operand') return null;
      previous = 'member';
    } else if (kind === 'operator') previous = 'operator';
    else if (kind === 'open') {
      if (previous === 'operand') return null;
      previous = 'operator';
    } else previous = 'operand';
  }
  return previous === 'member' ? null : { expressionEnd, semicolonBeforeEnd };
}

/** A token of the bounded grammar: its kind, its text, and where it starts and ends in the source. */
export interface BoundedToken {
  readonly kind: 'literal' | 'name' | 'member' | 'operator' | 'open' | 'close';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The tokens of `source` without its whitespace; null when a character belongs to no token of the grammar. */
export function boundedTokens(source: string): BoundedToken[] | null {
  const tokens: BoundedToken[] = [];
  let at = 0;
  while (at < source.length) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(source);
    if (match === null) return null;
    const start = at;
    at = TOKEN.lastIndex;
    const [, space, literal, name, member, operator, open] = match;
    if (space !== undefined) continue;
    const kind: BoundedToken['kind'] =
      literal !== undefined
        ? 'literal'
        : name !== undefined
          ? 'name'
          : member !== undefined
            ? 'member'
            : operator !== undefined
              ? 'operator'
              : open !== undefined
                ? 'open'
                : 'close';
    tokens.push({ kind, text: match[0], start, end: at });
  }
  return tokens;
}

/**
 * One token at `lastIndex`: whitespace, a literal, a name, member access, an operator, `(`, `)`. Longer
 * operators come first so that `===` is not read as `==` and `=`. There is no lone `=`, `/`, `,`, `[`, `{`.
 */
const TOKEN = new RegExp(
  [
    /(\s+)/.source,
    /('(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|\d+(?:\.\d+)?)/.source,
    /([A-Za-z_$][A-Za-z0-9_$]*)/.source,
    /(\?\.(?!\d)|\.)/.source,
    /(===|!==|==|!=|<=|>=|\|\||&&|\?\?|[!+\-*%<>?:;])/.source,
    /(\()/.source,
    /(\))/.source,
  ].join('|'),
  'y',
);

const LITERAL_NAMES: ReadonlySet<string> = new Set(['true', 'false', 'null']);

/** JavaScript's reserved words and the contextual ones with behaviour of their own. */
const RESERVED: ReadonlySet<string> = new Set([
  ...LITERAL_NAMES,
  ...'arguments async await break case catch class const continue debugger default delete do else enum eval'.split(
    ' ',
  ),
  ...'export extends finally for function if implements import in instanceof interface let new package'.split(
    ' ',
  ),
  ...'private protected public return static super switch this throw try typeof var void while with yield'.split(
    ' ',
  ),
]);
