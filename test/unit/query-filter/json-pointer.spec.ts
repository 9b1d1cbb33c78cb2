import { DomainError } from '../../../src/core/errors/domain-error';
import { formatPointer, getAt, parsePointer } from '../../../src/core/json-pointer/json-pointer';

describe('parsePointer / formatPointer', () => {
  it.each([
    ['', []],
    ['/', []],
    ['userName', ['userName']],
    ['/userName', ['userName']],
    ['/a/b', ['a', 'b']],
    ['a/b', ['a', 'b']],
    ['/a~1b', ['a/b']],
    ['/c~0d', ['c~d']],
    ['/~01', ['~1']],
    ['/a/', ['a', '']],
    ['/emails/0', ['emails', '0']],
  ])('%j → %j', (text, tokens) => {
    expect(parsePointer(text)).toEqual(tokens);
  });

  it.each([
    [[], '/'],
    [['userName'], '/userName'],
    [['a/b', 'c~d'], '/a~1b/c~0d'],
  ])('formats %j as %j and reads it back', (tokens, text) => {
    expect(formatPointer(tokens)).toBe(text);
    expect(parsePointer(text)).toEqual(tokens);
  });

  it.each([
    ['/a~2', 2],
    ['a~', 1],
    ['/x/~', 3],
  ])('refuses %j with the position of the bad escape', (text, position) => {
    expect(() => parsePointer(text)).toThrow(DomainError);
    try {
      parsePointer(text);
    } catch (e) {
      expect((e as DomainError).detail).toEqual({ pointer: text, position });
      expect((e as DomainError).message).toContain(`at position ${position}`);
    }
  });
});

describe('getAt', () => {
  const doc = { a: { b: [10, { c: 'x' }] }, n: null, 'a/b': 1 };

  it.each([
    [[], doc],
    [['a', 'b', '0'], 10],
    [['a', 'b', '1', 'c'], 'x'],
    [['n'], null],
    [['a/b'], 1],
    [['missing'], undefined],
    [['a', 'b', '01'], undefined],
    [['a', 'b', '-1'], undefined],
    [['a', 'b', '5'], undefined],
    [['n', 'x'], undefined],
    [['toString'], undefined],
  ])('%j', (pointer, expected) => {
    expect(getAt(doc, pointer)).toEqual(expected);
  });
});
