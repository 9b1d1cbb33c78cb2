import { boundedExpressionBody, isBoundedExpression } from '../../../src/scripting/bounded-expression';

describe('isBoundedExpression: scripts that may run without a time limit', () => {
  it.each([
    "source.displayName || (source.givenName + ' ' + source.sn);",
    '!!object.description',
    'object.password != null',
    "source || 'Kept by Concord'",
    "object.accountStatus === 'active' ? 'enabled' : \"disabled\"",
    'source?.address?.city ?? null',
    '(object.age >= 18) && !(object.blocked)',
    "linkQualifier == 'default';\n",
    'source.count * 2 - 1 % 3',
  ])('accepts the plain expression %j', (source) => {
    expect(isBoundedExpression(source)).toBe(true);
  });

  it.each([
    "target.dn = 'uid=' + source.userName + ',ou=People,dc=example,dc=com';",
    'target.dn = source.uid',
    'target.a.b = object.c || null; target.d = 1;\n',
    'object.x == 1; target.y = object.x',
    'source.count >= 2',
  ])('accepts the assignment of a member of a variable %j', (source) => {
    expect(isBoundedExpression(source)).toBe(true);
  });

  it.each([
    ['a call', 'openidm.decrypt(source);'],
    ['a call after parentheses', '(object.f)(1)'],
    ['an optional call', 'object.f?.()'],
    ['a loop', 'while (true) {}'],
    ['a for loop without braces', 'for (;;) x'],
    ['an assignment to a bare name', 'x = source.uid'],
    ['an assignment to a variable itself', 'target = source'],
    ['an assignment to a member of a global', 'openidm.read = source'],
    ['an assignment inside an expression', "(target.dn = 'x')"],
    ['an assignment after an operator', 'object.a + target.dn = 1'],
    ['a chained assignment', 'target.dn = target.cn = source.uid'],
    ['an optional member assigned', 'target?.dn = source.uid'],
    ['two assignments on one line without a semicolon', 'target.a = 1 target.b = 2'],
    ['a compound assignment', 'x += 1'],
    ['a compound assignment of a member', 'target.count += 1'],
    ['a logical assignment of a member', 'target.dn ??= source.uid'],
    ['an arrow after a member', 'target.dn => 1'],
    ['an assignment to a reserved member name', 'target.delete = 1'],
    ['an arrow function', 'x => x'],
    ['a regular expression', '/(a+)+$/.test(source)'],
    ['a division', 'a / b'],
    ['a comment', 'a // b'],
    ['a template literal', '`${source}`'],
    ['brackets', "object['description']"],
    ['braces', '{}'],
    ['a comma', 'a, b'],
    ['new', 'new Array(10)'],
    ['a keyword', 'typeof source'],
    ['a keyword as property name', 'object.delete'],
    ['an escaped name', '\\u0061'],
    ['this', 'this.x'],
    ['a dangling member access', 'object.'],
    ['spread', '...source'],
    ['a number then a member access', 'a ? .5 : 1'],
  ])('refuses %s', (_what, source) => {
    expect(isBoundedExpression(source)).toBe(false);
  });
});

describe('boundedExpressionBody: the one expression a plain script is', () => {
  it.each([
    [
      "source.displayName || (source.givenName + ' ' + source.sn);",
      "source.displayName || (source.givenName + ' ' + source.sn)",
    ],
    ['!!object.description', '!!object.description'],
    ["linkQualifier == 'default';\n", "linkQualifier == 'default'"],
    ['  a ;  ;\n', '  a'],
    ["'a;b' + c", "'a;b' + c"],
    ['(a\n  || b)', '(a\n  || b)'],
  ])('gives %j as %j', (source, body) => {
    expect(boundedExpressionBody(source)).toBe(body);
  });

  it.each([
    ['two statements', 'a; b'],
    ['an empty statement before the expression', '; a'],
    ['nothing', ''],
    ['only semicolons', ' ; ;'],
    ['a script that is not plain', 'openidm.decrypt(source);'],
    ['an assignment', 'target.dn = source.uid'],
  ])('has none for %s', (_case, source) => {
    expect(boundedExpressionBody(source)).toBeNull();
  });
});
