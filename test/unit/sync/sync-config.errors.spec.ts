import { DomainError } from '../../../src/core/errors/domain-error';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';

type Json = Record<string, unknown>;
const mapping = (more: Json = {}): Json => ({
  name: 'a_b',
  source: 'system/ldap/account',
  target: 'managed/user',
  ...more,
});

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    compileSyncConfig(raw, 'config/sync.json');
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('CONFIG_INVALID');
    expect((error as DomainError).message).toContain('config/sync.json: ');
    return ((error as DomainError).detail?.['problems'] as { path: string; message: string }[]).map(
      ({ path, message }) => ({ path, message }),
    );
  }
  throw new Error('expected the config to be refused');
}

describe('sync.json: start-up errors name the file, the JSON path and what was expected', () => {
  const groovy = { type: 'groovy', source: 'return true' };
  it.each<[string, unknown, { path: string; message: string | RegExp }[]]>([
    [
      'an unknown mapping in links',
      { mappings: [mapping({ links: 'nope' })] },
      [
        {
          path: '/mappings/0/links',
          message: 'expected the name of a mapping in this file, got "nope" (no such mapping)',
        },
      ],
    ],
    [
      'links to a mapping with other object sets',
      { mappings: [mapping(), mapping({ name: 'c_d', source: 'managed/role', links: 'a_b' })] },
      [
        {
          path: '/mappings/1/links',
          message: /expected a mapping with the same or swapped source and target, got "a_b"/,
        },
      ],
    ],
    [
      'links to a mapping that itself borrows links',
      { mappings: [mapping(), mapping({ name: 'b', links: 'a_b' }), mapping({ name: 'c', links: 'b' })] },
      [{ path: '/mappings/2/links', message: /expected a mapping that defines its own links/ }],
    ],
    [
      'both correlationQuery and correlationScript',
      {
        mappings: [
          mapping({
            correlationQuery: { type: 'text/javascript', source: '1' },
            correlationScript: { type: 'text/javascript', source: '[]' },
          }),
        ],
      },
      [
        {
          path: '/mappings/0/correlationScript',
          message: 'expected either "correlationQuery" or "correlationScript", got both',
        },
      ],
    ],
    [
      'a bad situation name',
      { mappings: [mapping({ policies: [{ situation: 'GONE', action: 'DELETE' }] })] },
      [
        {
          path: '/mappings/0/policies/0/situation',
          message: /expected a situation name: one of CONFIRMED, FOUND/,
        },
      ],
    ],
    [
      'a bad action name',
      { mappings: [mapping({ policies: [{ situation: 'ABSENT', action: 'create' }] })] },
      [
        {
          path: '/mappings/0/policies/0/action',
          message: /expected an action name \(one of CREATE, UPDATE, .*\) or a script object, got "create"/,
        },
      ],
    ],
    [
      'a duplicate mapping name',
      { mappings: [mapping(), mapping()] },
      [
        {
          path: '/mappings/1/name',
          message: 'expected a unique mapping name, got "a_b" again (first at /mappings/0)',
        },
      ],
    ],
    [
      'a groovy hook',
      { mappings: [mapping({ onCreate: groovy })] },
      [
        {
          path: '/mappings/0/onCreate/type',
          message:
            'expected "text/javascript", got "groovy": groovy is not supported; rewrite as text/javascript',
        },
      ],
    ],
    [
      'a groovy transform',
      { mappings: [mapping({ properties: [{ target: 'x', transform: groovy }] })] },
      [
        {
          path: '/mappings/0/properties/0/transform/type',
          message: /groovy is not supported; rewrite as text\/javascript/,
        },
      ],
    ],
    [
      'a groovy condition',
      { mappings: [mapping({ properties: [{ target: 'x', condition: groovy }] })] },
      [{ path: '/mappings/0/properties/0/condition/type', message: /groovy is not supported/ }],
    ],
    [
      'a groovy correlation query in an array',
      { mappings: [mapping({ correlationQuery: [groovy] })] },
      [{ path: '/mappings/0/correlationQuery/0/type', message: /groovy is not supported/ }],
    ],
    [
      'a groovy action',
      { mappings: [mapping({ policies: [{ situation: 'ABSENT', action: groovy }] })] },
      [{ path: '/mappings/0/policies/0/action/type', message: /groovy is not supported/ }],
    ],
    [
      'a script without source or file',
      { mappings: [mapping({ validSource: { type: 'text/javascript' } })] },
      [
        {
          path: '/mappings/0/validSource/source',
          message: 'expected "source" (inline code) or "file" (a path relative to the project), got neither',
        },
      ],
    ],
    [
      'a script with both source and file',
      { mappings: [mapping({ validSource: { type: 'text/javascript', source: '1', file: 'a.js' } })] },
      [{ path: '/mappings/0/validSource/file', message: 'expected either "source" or "file", got both' }],
    ],
    [
      'an unknown script type',
      { mappings: [mapping({ result: { type: 'text/python', source: '1' } })] },
      [{ path: '/mappings/0/result/type', message: 'expected "text/javascript", got "text/python"' }],
    ],
    [
      'an invalid condition filter',
      { mappings: [mapping({ properties: [{ target: 'x', condition: '/object/a eq' }] })] },
      [
        {
          path: '/mappings/0/properties/0/condition',
          message: /expected a query filter, got "\/object\/a eq"/,
        },
      ],
    ],
    [
      'an invalid sourceCondition filter',
      { mappings: [mapping({ sourceCondition: 'active' })] },
      [{ path: '/mappings/0/sourceCondition', message: /expected a query filter/ }],
    ],
    [
      'an invalid sourceQuery filter',
      { mappings: [mapping({ sourceQuery: { queryFilter: 'uid sw' } })] },
      [{ path: '/mappings/0/sourceQuery/queryFilter', message: /expected a query filter/ }],
    ],
    [
      'a property targeting the root',
      { mappings: [mapping({ properties: [{ source: 'a', target: '' }] })] },
      [
        {
          path: '/mappings/0/properties/0/target',
          message: 'expected a target property other than the whole object, got ""',
        },
      ],
    ],
    [
      'a missing name, source and target',
      { mappings: [{}] },
      [
        { path: '/mappings/0/name', message: 'expected a mapping name' },
        { path: '/mappings/0/source', message: /expected a source object set/ },
        { path: '/mappings/0/target', message: /expected a target object set/ },
      ],
    ],
    [
      'a wrong type of a flag',
      { mappings: [mapping({ prefetchLinks: 'yes', taskThreads: -1 })] },
      [
        { path: '/mappings/0/prefetchLinks', message: 'expected true or false' },
        { path: '/mappings/0/taskThreads', message: 'expected an integer from 0 to 1000' },
      ],
    ],
    [
      'an empty linkQualifiers list',
      { mappings: [mapping({ linkQualifiers: [] })] },
      [{ path: '/mappings/0/linkQualifiers', message: /expected a non-empty array of link qualifier names/ }],
    ],
    [
      'two correlation queries for one qualifier',
      {
        mappings: [
          mapping({
            correlationQuery: [
              { type: 'text/javascript', source: '1' },
              { type: 'text/javascript', source: '2', linkQualifier: 'default' },
            ],
          }),
        ],
      },
      [
        {
          path: '/mappings/0/correlationQuery/1/linkQualifier',
          message: 'expected one correlation query per link qualifier, got "default" again',
        },
      ],
    ],
    [
      'a delete threshold percent over 100',
      { mappings: [mapping({ deleteThreshold: { percent: 150 } })] },
      [{ path: '/mappings/0/deleteThreshold/percent', message: 'expected a percentage from 0 to 100' }],
    ],
    [
      'mappings that are not an array',
      { mappings: {} },
      [{ path: '/mappings', message: 'expected an array of mappings' }],
    ],
  ])('refuses %s', (_case, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((want, i) => {
      expect(problems[i]?.path).toBe(want.path);
      if (typeof want.message === 'string') expect(problems[i]?.message).toBe(want.message);
      else expect(problems[i]?.message).toMatch(want.message);
    });
  });

  it('lists every problem of the file at once', () => {
    const problems = problemsOf({
      mappings: [mapping({ links: 'x', onCreate: { type: 'groovy', file: 'a.groovy' } }), mapping()],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/mappings/1/name',
      '/mappings/0/links',
      '/mappings/0/onCreate/type',
    ]);
  });
});
