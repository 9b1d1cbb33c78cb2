/**
 * Parses a config file's text and, when it is not valid JSON, says where: line and column (both 1-based) and
 * what was expected. `JSON.parse` alone does not always give a position on Node 20 ("Unexpected token ...
 * is not valid JSON"), so a failed parse is re-scanned by a small validating scanner that does.
 */

export type JsonSourceResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

export function parseJsonSource(text: string): JsonSourceResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows write a BOM
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch {
    const failure = locateJsonError(source);
    const { line, column } = lineAndColumn(source, failure.offset);
    return { ok: false, line, column, message: failure.message };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Walks the text with the JSON grammar (RFC 8259) and reports the first offending offset. */
function locateJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  const fail = (expected: string): never => {
    const got = i >= text.length ? 'end of file' : JSON.stringify(text[i]);
    throw new JsonScanError(i, `expected ${expected}, got ${got}`);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`"${word}"`);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing "');
      const ch = text[i] as string;
      if (ch === '"') return void i++;
      if (ch < ' ') fail('no control character inside a string (escape it)');
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++)
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('4 hex digits after \\u');
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x'))
          fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
      }
      i++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '-') fail('a number');
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    skipSpace();
    const ch = text[i];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail('a value (object, array, string, number, true, false or null)');
  };
  const object = (): void => {
    i++;
    skipSpace();
    if (text[i] === '}') return void i++;
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail('a double-quoted property name');
      string();
      skipSpace();
      if (text[i] !== ':') fail("':' after the property name");
      i++;
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') return void i++;
      fail("',' or '}'");
    }
  };
  const array = (): void => {
    i++;
    skipSpace();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') return void i++;
      fail("',' or ']'");
    }
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail('end of file after the JSON value');
    // The scanner accepted what JSON.parse refused: should not happen, but never report a wrong place.
    return { offset: 0, message: 'expected valid JSON, got text JSON.parse rejects' };
  } catch (error) {
    if (error instanceof JsonScanError) return { offset: error.offset, message: error.message };
    throw error;
  }
}
