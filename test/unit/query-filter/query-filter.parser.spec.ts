import { DomainError } from '../../../src/core/errors/domain-error';
import type { QueryFilter } from '../../../src/core/query-filter/query-filter.ast';
import { parseQueryFilter } from '../../../src/core/query-filter/query-filter.parser';

const eq = (field: string[], value: string | number | boolean): QueryFilter => ({
  type: 'comparison',
  operator: 'eq',
  field,
  value,
});
const pr = (field: string[]): QueryFilter => ({ type: 'present', field });

describe('parseQueryFilter', () => {
  const valid: [string, QueryFilter][] = [
    ['true', { type: 'true' }],
    ['false', { type: 'false' }],
    ['TRUE', { type: 'true' }],
    ['  False  ', { type: 'false' }],
    ['userName pr', pr(['userName'])],
    ['userName PR', pr(['userName'])],
    ['/userName pr', pr(['userName'])],
    ['/a/b pr', pr(['a', 'b'])],
    ['a/b pr', pr(['a', 'b'])],
    ['/ pr', pr([])],
    ['/a~1b/c~0d pr', pr(['a/b', 'c~d'])],
    ['/~01 pr', pr(['~1'])],
    ['/true pr', pr(['true'])],
    ['userName eq "bjensen"', eq(['userName'], 'bjensen')],
    ["userName eq 'bjensen'", eq(['userName'], 'bjensen')],
    ['userName EQ "x"', eq(['userName'], 'x')],
    ['a eq "te\\"st"', eq(['a'], 'te"st')],
    ["a eq 'it\\'s'", eq(['a'], "it's")],
    ['a eq "back\\\\slash"', eq(['a'], 'back\\slash')],
    ['a eq "\\q"', eq(['a'], 'q')],
    [`a eq "it's"`, eq(['a'], "it's")],
    [`a eq 'say "hi"'`, eq(['a'], 'say "hi"')],
    ['a eq ""', eq(['a'], '')],
    ['a eq "😀 ünïcödé"', eq(['a'], '😀 ünïcödé')],
    ['a eq "with ( and ) and and or"', eq(['a'], 'with ( and ) and and or')],
    ['a eq 42', eq(['a'], 42)],
    ['a eq -42', eq(['a'], -42)],
    ['a eq 3.25', eq(['a'], 3.25)],
    ['a eq -0.5', eq(['a'], -0.5)],
    ['a eq 1e3', eq(['a'], 1000)],
    ['a eq 007', eq(['a'], 7)],
    ['a eq true', eq(['a'], true)],
    ['a eq FALSE', eq(['a'], false)],
    ...(['co', 'sw', 'gt', 'ge', 'lt', 'le'] as const).map((op): [string, QueryFilter] => [
      `n ${op.toUpperCase()} 1`,
      { type: 'comparison', operator: op, field: ['n'], value: 1 },
    ]),
    ['mail ew "@example.com"', { type: 'extended', operator: 'ew', field: ['mail'], value: '@example.com' }],
    ['a my.Op_2 5', { type: 'extended', operator: 'my.Op_2', field: ['a'], value: 5 }],
    ['a pr and b pr', { type: 'and', filters: [pr(['a']), pr(['b'])] }],
    ['a pr AND b pr And c pr', { type: 'and', filters: [pr(['a']), pr(['b']), pr(['c'])] }],
    ['a pr or b pr OR c pr', { type: 'or', filters: [pr(['a']), pr(['b']), pr(['c'])] }],
    // `and` binds tighter than `or`.
    [
      'a pr or b pr and c pr',
      { type: 'or', filters: [pr(['a']), { type: 'and', filters: [pr(['b']), pr(['c'])] }] },
    ],
    [
      'a pr and b pr or c pr',
      { type: 'or', filters: [{ type: 'and', filters: [pr(['a']), pr(['b'])] }, pr(['c'])] },
    ],
    [
      '(a pr or b pr) and c pr',
      { type: 'and', filters: [{ type: 'or', filters: [pr(['a']), pr(['b'])] }, pr(['c'])] },
    ],
    ['((a pr))', pr(['a'])],
    ['!a pr', { type: 'not', filter: pr(['a']) }],
    ['! a pr', { type: 'not', filter: pr(['a']) }],
    ['!(a pr)', { type: 'not', filter: pr(['a']) }],
    ['!true', { type: 'not', filter: { type: 'true' } }],
    ['!(!(a pr))', { type: 'not', filter: { type: 'not', filter: pr(['a']) } }],
    // `!` binds tighter than `and`.
    ['!a pr and b pr', { type: 'and', filters: [{ type: 'not', filter: pr(['a']) }, pr(['b'])] }],
    ['a!b pr', pr(['a!b'])],
    ['(a eq "x")and(b eq "y")', { type: 'and', filters: [eq(['a'], 'x'), eq(['b'], 'y')] }],
    ['and pr', pr(['and'])],
    ['a eq "x"\n\tor\r\nb eq 1', { type: 'or', filters: [eq(['a'], 'x'), eq(['b'], 1)] }],
    [`${'('.repeat(256)}a pr${')'.repeat(256)}`, pr(['a'])],
  ];

  it.each(valid)('parses %j', (text, expected) => {
    expect(parseQueryFilter(text)).toEqual(expected);
  });

  const invalid: [string, number, string][] = [
    ['', 0, "expected a field, '(', '!', true or false but found the end of the filter"],
    ['   ', 3, 'but found the end of the filter'],
    ['userName', 8, 'expected an operator (eq, co, sw, gt, ge, lt, le, pr or an extended operator)'],
    ['userName eq', 11, 'expected a value (a quoted string, a number, true or false) but found the end'],
    ['userName eq bjensen', 12, "but found 'bjensen'"],
    ['a eq 1.', 5, "found '1.'"],
    ['a eq .5', 5, "found '.5'"],
    ['a eq 1e999', 5, "found '1e999'"],
    ['a eq 0x10', 5, "found '0x10'"],
    ['a eq (', 5, "found '('"],
    ['a eq "x', 7, 'expected a closing " (string opened at position 5)'],
    ["a eq 'x\\'", 9, "expected a closing ' (string opened at position 5)"],
    ['a eq "x\\', 8, 'expected a closing "'],
    ['a e!q "x"', 2, "an operator (eq, co, sw, gt, ge, lt, le, pr or an extended operator) but found 'e!q'"],
    ['a "x"', 2, 'but found \'"x"\''],
    ['"a" eq "x"', 0, "expected a field, '(', '!', true or false but found '\"a\"'"],
    ['a pr b pr', 5, "expected 'and', 'or' or the end of the filter but found 'b'"],
    ['a pr)', 4, "but found ')'"],
    ['(a pr', 5, "expected ')' but found the end of the filter"],
    ['(a pr b', 6, "expected ')' but found 'b'"],
    ['()', 1, "but found ')'"],
    ['a pr and', 8, 'but found the end of the filter'],
    // After `or` a field is expected, and `or` is a valid field name: then `b` is an extended operator.
    ['a pr or or b pr', 13, "expected a value (a quoted string, a number, true or false) but found 'pr'"],
    ['!', 1, "expected a field, '(', true or false but found the end of the filter"],
    ['!!a pr', 1, "expected a field, '(', true or false but found '!'"],
    ['a eq "x" and', 12, 'the end of the filter'],
    ['/a~2 pr', 2, "expected '~0' or '~1' in the field pointer"],
    ['x pr and /b/c~ pr', 13, "'~0' or '~1'"],
    [`${'('.repeat(257)}a pr${')'.repeat(257)}`, 256, 'expected at most 256 levels of nesting'],
    [`${'!('.repeat(129)}a pr${')'.repeat(129)}`, 256, 'at most 256 levels'],
  ];

  it.each(invalid)('rejects %j at position %i', (text, position, expected) => {
    let error: unknown;
    try {
      parseQueryFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe('BAD_REQUEST');
    expect(domain.message).toContain(`Invalid query filter '${text}': `);
    expect(domain.message).toContain(expected);
    expect(domain.message).toMatch(new RegExp(`at position ${position}$`));
    expect(domain.detail).toEqual({ filter: text, position });
  });

  it('does not exhaust the stack on hostile nesting', () => {
    expect(() => parseQueryFilter('('.repeat(100_000))).toThrow(/at most 256 levels of nesting/);
    expect(() => parseQueryFilter('!'.repeat(100_000))).toThrow(DomainError);
  });

  it('parses long flat chains without recursion limits', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `f${i} eq ${i}`).join(' or ');
    const filter = parseQueryFilter(text);
    expect(filter.type === 'or' && filter.filters.length).toBe(5000);
  });
});
