import { parseBootProperties } from '../../../src/config/boot-properties.parser';
import { parseJsonSource } from '../../../src/config/json-source.parser';

describe('parseBootProperties', () => {
  it.each([
    ['key=value', 'a=1', { a: '1' }],
    ['colon separator and spaces', 'a : 1\n  b=2', { a: '1', b: '2' }],
    ['whitespace separator', 'a 1', { a: '1' }],
    ['comments and blank lines', '# c\n! c\n\na=1', { a: '1' }],
    ['"=" inside the value', 'url=ldap://h:389/?a=b', { url: 'ldap://h:389/?a=b' }],
    ['an empty value', 'a=', { a: '' }],
    ['continuation lines', 'list=a,\\\n    b,\\\n    c', { list: 'a,b,c' }],
    ['an escaped backslash is not a continuation', 'p=C:\\\\\nq=1', { p: 'C:\\', q: '1' }],
    ['escapes', 'k=tab\\there\\u0041', { k: 'tab\there' + 'A' }],
    ['an escaped separator in the key', 'a\\=b=c', { 'a=b': 'c' }],
    ['the later duplicate wins', 'a=1\na=2', { a: '2' }],
    ['Windows line endings', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
  ])('%s', (_what, text, expected) => {
    expect(Object.fromEntries(parseBootProperties(text))).toEqual(expected);
  });
});

describe('parseJsonSource', () => {
  it('parses valid JSON, also with a byte order mark', () => {
    expect(parseJsonSource('\ufeff{"a": [1, "x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'expected a double-quoted property name, got "}"'],
    ['{"a" 1}', 1, 6, 'expected \':\' after the property name, got "1"'],
    ['{\n  "a": tru\n}', 2, 11, 'expected "true", got "\\n"'],
    ['[1, 2', 1, 6, "expected ',' or ']', got end of file"],
    ['{"a": 01}', 1, 8, "expected ',' or '}', got \"1\""],
    ['{"a": "x\ty"}', 1, 9, 'expected no control character inside a string (escape it), got "\\t"'],
    ['{"a": "\\q"}', 1, 9, 'expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u), got "q"'],
    ['{} {}', 1, 4, 'expected end of file after the JSON value, got "{"'],
    ['{"a": -}', 1, 7, 'expected a number, got "-"'],
  ])('locates the error in %j', (text, line, column, message) => {
    expect(parseJsonSource(text)).toEqual({ ok: false, line, column, message });
  });
});
