import { HostExpression, NOT_A_VARIABLE } from '../../../src/scripting/host-expression';

const VARIABLES: Record<string, unknown> = {
  source: { givenName: 'Barbara', sn: 'Jensen', n: 2, list: ['a'], when: new Date(0) },
  object: { description: '', telephoneNumber: '+1 555' },
  empty: null,
};
const variable = (name: string): unknown =>
  Object.prototype.hasOwnProperty.call(VARIABLES, name) ? VARIABLES[name] : NOT_A_VARIABLE;

function hostAnswer(body: string): { value: unknown } | undefined | 'no host form' {
  const expression = HostExpression.compile(body);
  return expression === null ? 'no host form' : expression.evaluate(variable);
}

describe('HostExpression: sync.json expressions answered without the sandbox', () => {
  it.each([
    ['!!object.description', false],
    ['!!object.telephoneNumber', true],
    ['object.password != null', false],
    ['source.displayName || (source.givenName + " " + source.sn)', 'Barbara Jensen'],
    ['source.n * 3 - 1 > 4', true],
    ['-source.n + +"3"', 1],
    ['source.n === 2 ? "two" : "other"', 'two'],
    ['empty?.anything.deeper', undefined],
    ['source.list.length + source.sn.length', 7],
    ['source.missing ?? "fallback"', 'fallback'],
  ])('%s → %j', (body, expected) => {
    expect(hostAnswer(body)).toEqual({ value: expected });
  });

  it.each([
    ['a name that is not a variable', 'unknownName'],
    ['a global', 'Math'],
    ['a member read of null', 'empty.anything'],
    ['a member read of what a parenthesised optional chain gave', '(empty?.anything).deeper'],
    ['an inherited member', 'source.constructor'],
    ['a member of an array other than its length', 'source.list.map'],
    ['a value JSON would turn into text', 'source.when'],
    ['an object under an arithmetic operator', 'source + 1'],
    ['an object compared', 'source == source'],
  ])('leaves %s to the sandbox', (_case, body) => {
    expect(hostAnswer(body)).toBeUndefined();
  });

  it.each([
    ['a string literal with an escape', "'it\\'s'"],
    ['an increment', 'source.n\n++source.n'],
    ['two expressions', 'source.sn source.n'],
  ])('has no host form for %s', (_case, body) => {
    expect(hostAnswer(body)).toBe('no host form');
  });
});
