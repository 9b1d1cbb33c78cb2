import { compareCodePoints, evaluateFilter } from '../../../src/core/query-filter/query-filter.evaluator';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';

const user = {
  _id: 'u1',
  userName: 'bjensen',
  givenName: 'Barbara',
  age: 42,
  score: 7.5,
  active: true,
  locked: false,
  manager: null,
  tags: ['admin', 'Staff', 42],
  empty: [],
  nulls: [null],
  nested: [['deep']],
  address: { city: 'Zürich', zip: '8001', geo: { lat: 47.37 } },
  emails: [{ value: 'b@example.com', primary: true }, { value: 'bj@example.org' }, 'not-an-object'],
  'a/b': 'slash',
  'c~d': 'tilde',
  emoji: '😀',
  private: '\uFFFD',
  numberText: '5',
};

describe('evaluateFilter', () => {
  const cases: [string, boolean][] = [
    ['true', true],
    ['false', false],
    // eq on strings is exact and case-sensitive
    ['userName eq "bjensen"', true],
    ['userName eq "BJensen"', false],
    ['/userName eq "bjensen"', true],
    ['userName eq "bjens"', false],
    // co / sw on strings, case-sensitive
    ['userName sw "bje"', true],
    ['userName sw "jen"', false],
    ['userName sw ""', true],
    ['userName co "jen"', true],
    ['userName co "JEN"', false],
    ['userName co ""', true],
    // ordering compares strings by code point, numbers numerically
    ['givenName gt "Aaron"', true],
    ['givenName gt "aaron"', false],
    ['givenName ge "Barbara"', true],
    ['givenName le "Barbara"', true],
    ['givenName lt "Barbara"', false],
    ['age gt 41', true],
    ['age gt 42', false],
    ['age ge 42', true],
    ['age lt 100', true],
    ['age le 41.9', false],
    ['age eq 42.0', true],
    ['score gt 7', true],
    ['score lt -1', false],
    ['emoji gt "\uFFFD"', true],
    ['private lt "😀"', true],
    // type mismatches never match
    ['age eq "42"', false],
    ['numberText eq 5', false],
    ['numberText eq "5"', true],
    ['active eq "true"', false],
    ['age co 4', false],
    ['age sw 4', false],
    ['address eq "Zürich"', false],
    // booleans: eq only
    ['active eq true', true],
    ['active eq false', false],
    ['locked eq false', true],
    ['active gt false', false],
    ['active ge true', false],
    // arrays match when any element matches
    ['tags eq "admin"', true],
    ['tags eq "staff"', false],
    ['tags eq 42', true],
    ['tags sw "St"', true],
    ['tags gt "b"', false],
    ['tags gt "S"', true],
    ['nested eq "deep"', false],
    // nested members, through arrays of objects
    ['/address/city eq "Zürich"', true],
    ['address/zip eq "8001"', true],
    ['/address/geo/lat gt 47', true],
    ['/emails/value eq "bj@example.org"', true],
    ['/emails/value co "example"', true],
    ['/emails/primary eq true', true],
    ['/emails/0/value eq "b@example.com"', false],
    ['/a~1b eq "slash"', true],
    ['/c~0d eq "tilde"', true],
    // presence: present and not null
    ['userName pr', true],
    ['missing pr', false],
    ['manager pr', false],
    ['locked pr', true],
    ['empty pr', true],
    ['nulls pr', true],
    ['/address/city pr', true],
    ['/address/street pr', false],
    ['/emails/primary pr', true],
    ['/emails/missing pr', false],
    ['/userName/x pr', false],
    ['/ pr', true],
    // missing fields fail every comparison, and their negation passes
    ['missing eq "x"', false],
    ['!(missing eq "x")', true],
    ['manager eq "x"', false],
    // unknown extended operators never match
    ['userName ew "sen"', false],
    ['!(userName ew "sen")', true],
    // boolean structure
    ['userName eq "bjensen" and age gt 40', true],
    ['userName eq "bjensen" and age gt 50', false],
    ['userName eq "nobody" or age gt 40', true],
    ['userName eq "nobody" or age gt 50', false],
    ['!(userName eq "nobody")', true],
    ['!userName pr', false],
    ['userName eq "x" or userName eq "y" and true', false],
    ['userName eq "bjensen" or false and false', true],
    ['(userName eq "bjensen" or false) and false', false],
  ];

  it.each(cases)('%s → %s', (text, expected) => {
    expect(evaluateFilter(parseQueryFilter(text), user)).toBe(expected);
  });

  it('treats non-object documents as having no fields', () => {
    expect(evaluateFilter(parseQueryFilter('a pr'), null)).toBe(false);
    expect(evaluateFilter(parseQueryFilter('a eq 1'), [{ a: 1 }])).toBe(true);
    expect(evaluateFilter(parseQueryFilter('a eq 1'), 'a')).toBe(false);
  });

  it('ignores inherited properties', () => {
    expect(evaluateFilter(parseQueryFilter('toString pr'), {})).toBe(false);
    expect(evaluateFilter(parseQueryFilter('constructor pr'), {})).toBe(false);
  });
});

describe('compareCodePoints', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['', 'a', -1],
    ['ab', 'a', 1],
    ['Z', 'a', -1],
    // U+FFFD is below U+1F600 by code point, although its UTF-16 unit is above the surrogate 0xD83D.
    ['\uFFFD', '😀', -1],
    ['😀', '\uFFFD', 1],
  ])('%j vs %j', (a, b, sign) => {
    expect(compareCodePoints(a, b)).toBe(sign);
  });
});
