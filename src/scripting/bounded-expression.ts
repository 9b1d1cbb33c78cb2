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
  let previous: 'start' | 'operator' | 'operand' | 'member' = 'start';
  let at = 0;
  while (at < source.length) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(source);
    if (match === null) return false;
    at = TOKEN.lastIndex;
    const [, space, literal, name, member, operator, open, close] = match;
    if (space !== undefined) continue;
    if (previous === 'member') {
      if (name === undefined || RESERVED.has(name)) return false;
      previous = 'operand';
      continue;
    }
    if (literal !== undefined) previous = 'operand';
    else if (name !== undefined) {
      if (RESERVED.has(name) && !LITERAL_NAMES.has(name)) return false;
      previous = 'operand';
    } else if (member !== undefined) {
      if (previous !== 'operand') return false;
      previous = 'member';
    } else if (operator !== undefined) previous = 'operator';
    else if (open !== undefined) {
      if (previous === 'operand') return false;
      previous = 'operator';
    } else if (close !== undefined) previous = 'operand';
  }
  return previous !== 'member';
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
