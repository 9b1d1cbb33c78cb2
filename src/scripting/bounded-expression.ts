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
 * after a name, a literal or a `)` is a call). With no calls, loops, regular expressions, templates,
 * brackets, braces, `new` or commas, a run does a fixed number of steps, each bounded by the size of its JSON
 * inputs (the only code it reaches besides its own is built-in: property reads and the conversions of `+` and
 * comparisons on JSON data). Escapes in names and comments are refused with the rest.
 *
 * One kind of assignment is accepted, the one an `onCreate` script is made of (`target.dn = 'uid=' +
 * source.userName + ',ou=People,dc=example,dc=com';`): a statement that starts with a member of a variable
 * (ASSIGNABLE_ROOTS) followed by one plain `=`. Those variables are JSON parsed inside the sandbox, whose
 * built-in prototypes are frozen (script-sandbox.bootstrap.ts), so the assignment runs no code but built-ins
 * and creates no global. Any other `=` (a bare name, compound or chained assignments, `=>`) is refused.
 */
export function isBoundedExpression(source: string): boolean {
  return scanBounded(source) !== null;
}

/**
 * The single expression a bounded source is, without its trailing semicolons (`a || b;` → `a || b`), so that
 * it can be the operand of a `return`; null when the source is not bounded, is empty, or has a `;` anywhere
 * but at its end (`a; b` is two statements). The text keeps every character's place otherwise, so lines and
 * columns in error messages stay those of the source.
 * A source with an assignment has none: its effect is on its variables, not its value.
 */
export function boundedExpressionBody(source: string): string | null {
  const scan = scanBounded(source);
  if (scan === null || scan.expressionEnd === 0 || scan.semicolonBeforeEnd || scan.assigns) return null;
  return source.slice(0, scan.expressionEnd);
}

interface BoundedScan {
  /** Where the last token other than whitespace and `;` ends. */
  readonly expressionEnd: number;
  /** Whether a `;` comes before that token. */
  readonly semicolonBeforeEnd: boolean;
  /** Whether a statement assigns a member of a variable. */
  readonly assigns: boolean;
}

/** Variables whose members a bounded script may assign: JSON objects of the run (§1.2), never a global. */
const ASSIGNABLE_ROOTS: ReadonlySet<string> = new Set(['target', 'source', 'object']);

/**
 * Where a statement stands as its tokens go by, for its one possible assignment: on its first token, on a
 * member chain of an assignable variable (`target.dn`: `root`, then `chain` once a member follows), past
 * its `=`, or anywhere else (`other`: an `=` there is refused).
 */
type StatementState = 'first' | 'root' | 'chain' | 'assigned' | 'other';

function scanBounded(source: string): BoundedScan | null {
  const tokens = boundedTokens(source);
  if (tokens === null) return null;
  let previous: 'start' | 'operator' | 'operand' | 'member' = 'start';
  let expressionEnd = 0;
  let semicolonSeen = false;
  let semicolonBeforeEnd = false;
  let assigns = false;
  let statement: StatementState = 'first';
  for (const { kind, text, end } of tokens) {
    if (kind === 'operator' && text === ';') semicolonSeen = true;
    else {
      expressionEnd = end;
      semicolonBeforeEnd = semicolonSeen;
    }
    if (kind === 'operator' && text === '=') {
      if (statement !== 'chain' || previous !== 'operand') return null;
      statement = 'assigned';
      assigns = true;
      previous = 'operator';
      continue;
    }
    statement = nextStatementState(statement, kind, text);
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
  return previous === 'member' ? null : { expressionEnd, semicolonBeforeEnd, assigns };
}

function nextStatementState(state: StatementState, kind: BoundedToken['kind'], text: string): StatementState {
  if (kind === 'operator' && text === ';') return 'first';
  if (state === 'first') return kind === 'name' && ASSIGNABLE_ROOTS.has(text) ? 'root' : 'other';
  if (state === 'root' || state === 'chain') {
    // `.name` keeps the chain; `?.` may skip the assignment at run time, and is no place for one.
    if (kind === 'member') return text === '.' ? 'root' : 'other';
    return state === 'root' && kind === 'name' ? 'chain' : 'other';
  }
  return state;
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
 * operators come first so that `===` is not read as `==` and `=`; `=>` is no token. There is no `/`, `,`, `[`, `{`.
 */
const TOKEN = new RegExp(
  [
    /(\s+)/.source,
    /('(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|\d+(?:\.\d+)?)/.source,
    /([A-Za-z_$][A-Za-z0-9_$]*)/.source,
    /(\?\.(?!\d)|\.)/.source,
    /(===|!==|==|!=|<=|>=|\|\||&&|\?\?|=(?!>)|[!+\-*%<>?:;])/.source,
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
