/** Inputs that have broken HTTP services before; the sweep in nasty-inputs.spec.ts sends them everywhere. */

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(20_000),
  '\u0000',
  'a\u0000b',
  '\uD800',
  'a\uDFFFb',
  '😀',
  'ünïcödé',
  '\u202Eevil',
  '\uFEFF',
  '\n',
  '\r\n',
  '\t',
  '__proto__',
  'constructor',
  'prototype',
  '$crypto',
  '_id',
  '_rev',
  '/',
  '//',
  '../',
  '.',
  '..',
  '%',
  '%00',
  '%2F',
  '"',
  "'",
  '\\',
  '\\"',
  '*',
  '-',
  '+',
  ',',
  '(',
  ')',
  '(((',
  '!',
  'true',
  'false',
  'null',
  '-1',
  '0',
  '1e400',
  '-1e400',
  '9'.repeat(400),
  '0x10',
  'NaN',
  'Infinity',
  '1.5.5',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  "'); DROP TABLE managed_objects; --",
  '$1',
  '{}',
  '[]',
  '~',
  '~2',
  '/a~1b',
  'a/b/c/d/e/f/g/h/i/j/k',
  '/-',
  'userName eq',
  'userName eq "a',
  'userName pr and',
  '(userName eq "a"',
  '!!!!!!!!',
  'userName gt 1e308',
  'userName eq 99999999999999999999999999',
  'a'.repeat(300) + ' eq 1',
];

/** Strings a header can carry (Node's HTTP client refuses control and non-Latin-1 characters). */
export const HEADER_STRINGS = NASTY_STRINGS.filter(
  (value) => /^[\x20-\x7e]*$/.test(value) && value.length < 8000,
);

/** `encodeURIComponent` throws on a lone surrogate (ES2023 has no `isWellFormed` in this tsconfig's lib). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Strings a URL can carry once percent-encoded. */
export const URL_STRINGS = NASTY_STRINGS.filter((value) => !LONE_SURROGATE.test(value));

/** Path segments as sent on the wire: already percent-encoded, some of them badly on purpose. */
export const NASTY_SEGMENTS: readonly string[] = [
  ...URL_STRINGS.filter((value) => value !== '').map(encodeURIComponent),
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '..%2F..%2F',
  'a%2Fb',
  '%00',
  ';',
];

export const NASTY_VALUES: readonly unknown[] = [
  ...NASTY_STRINGS,
  0,
  -0,
  1.5,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  true,
  false,
  null,
  [],
  {},
  [[[[]]]],
  { a: { b: { c: [1, { d: null }] } } },
  Array.from({ length: 1000 }, (_, index) => index),
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
  { $crypto: { type: 'x-simple-encryption', value: { iv: 'x', data: 'y', tag: 'z', key: 'nope' } } },
];

/** Whole request bodies as text, with the content type they are sent as. */
export const NASTY_BODIES: ReadonlyArray<readonly [string, string]> = [
  ['application/json', ''],
  ['application/json', ' '],
  ['application/json', '{'],
  ['application/json', '}'],
  ['application/json', '{"a":1,}'],
  ['application/json', "{'a':1}"],
  ['application/json', 'NaN'],
  ['application/json', '1e400'],
  ['application/json', '"\\ud800"'],
  ['application/json', '{"userName":"\\u0000"}'],
  ['application/json', '{"a":"\\ud800"}'],
  ['application/json', '{"\\ud800":1}'],
  ['application/json', `{"a":${'['.repeat(300)}${']'.repeat(300)}}`],
  ['application/json', '{"__proto__":{"polluted":true},"userName":"p"}'],
  ['application/json', '{"_id":{"x":1},"_rev":[]}'],
  ['application/json', '\uFEFF{}'],
  ['application/json; charset=utf-16', '{}'],
  ['application/json; charset=utf-8', '{"userName":"ok"}'],
  ['application/merge-patch+json', '{}'],
  ['text/plain', '{}'],
  ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
  ['application/xml', '<a/>'],
  ['', '{}'],
];

/** A small deterministic PRNG (mulberry32): the sweep is random-looking but the same on every run. */
export function seededRandom(seed: number): <T>(items: readonly T[]) => T {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
}
