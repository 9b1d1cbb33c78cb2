import { parsePointer } from '../../../src/core/json-pointer/json-pointer';
import { jsonClone, mapForCreate, mapForUpdate } from '../../../src/core/sync/property-mapping';
import type { PropertyMapping } from '../../../src/core/sync/sync-config.types';
import { planCreate, planUpdate, targetChanges } from '../../../src/core/sync/target-plan';
import { filter, noScripts, script, scriptCondition, scriptsOf } from './sync-fixtures';

const prop = (target: string, more: Partial<PropertyMapping> = {}): PropertyMapping => ({
  target: parsePointer(target),
  targetText: target,
  where: `sync.json /mappings/0/properties/${target}`,
  ...more,
});
const from = (source: string, target: string, more: Partial<PropertyMapping> = {}) =>
  prop(target, { source: parsePointer(source), ...more });

const bjensen = {
  _id: 'uid=bjensen',
  uid: 'bjensen',
  cn: 'Barbara Jensen',
  sn: 'Jensen',
  givenName: 'Barbara',
  mail: 'bjensen@example.com',
};
const ctx = { source: bjensen, linkQualifier: 'default' };

describe('property mapping (§1.3)', () => {
  it('copies source pointers to target pointers in array order onto {} for CREATE', async () => {
    const created = await mapForCreate(
      [from('uid', 'userName'), from('cn', 'displayName'), from('/mail', '/mail')],
      ctx,
      noScripts,
    );
    expect(created).toEqual({
      userName: 'bjensen',
      displayName: 'Barbara Jensen',
      mail: 'bjensen@example.com',
    });
  });

  it('writes null for a mapped attribute missing in the source (§12.2 #9)', async () => {
    expect(await mapForCreate([from('telephoneNumber', 'telephoneNumber')], ctx, noScripts)).toEqual({
      telephoneNumber: null,
    });
  });

  it('writes null for a property without a source key and no transform', async () => {
    expect(await mapForCreate([prop('accountStatus')], ctx, noScripts)).toEqual({ accountStatus: null });
  });

  it('uses the default when the value is null', async () => {
    const properties = [
      from('employeeType', 'type', { default: 'staff' }),
      prop('roles', { default: ['user'] }),
    ];
    expect(await mapForCreate(properties, ctx, noScripts)).toEqual({ type: 'staff', roles: ['user'] });
  });

  it('keeps a present value over the default', async () => {
    expect(await mapForCreate([from('sn', 'sn', { default: 'x' })], ctx, noScripts)).toEqual({
      sn: 'Jensen',
    });
  });

  it('passes the property value as `source` to the transform, with the link qualifier', async () => {
    const { evaluate, calls } = scriptsOf({ upper: (v) => String(v['source']).toUpperCase() });
    const created = await mapForCreate(
      [from('uid', 'userName', { transform: script('upper') })],
      ctx,
      evaluate,
    );
    expect(created).toEqual({ userName: 'BJENSEN' });
    expect(calls[0]?.variables).toEqual({ source: 'bjensen', linkQualifier: 'default' });
  });

  it('passes the whole source object for "source": "" (the sample cn transform)', async () => {
    const { evaluate } = scriptsOf({
      cn: ({ source }) => {
        const s = source as Record<string, string>;
        return s['displayName'] || s['givenName'] + ' ' + s['sn'];
      },
    });
    const created = await mapForCreate([from('', 'cn', { transform: script('cn') })], ctx, evaluate);
    expect(created).toEqual({ cn: 'Barbara Jensen' });
  });

  it('passes null to a transform when the property has no source key', async () => {
    const { evaluate, calls } = scriptsOf({ constant: () => 'active' });
    await mapForCreate([prop('accountStatus', { transform: script('constant') })], ctx, evaluate);
    expect(calls[0]?.variables['source']).toBeNull();
  });

  it('applies the default after a transform returning null or nothing', async () => {
    const { evaluate } = scriptsOf({ nothing: () => undefined });
    const properties = [
      from('uid', 'a', { transform: script('nothing'), default: 'd' }),
      from('uid', 'b', { transform: script('nothing') }),
    ];
    expect(await mapForCreate(properties, ctx, evaluate)).toEqual({ a: 'd', b: null });
  });

  it.each([
    ['a filter that holds', filter('/object/mail pr'), true],
    ['a filter that does not hold', filter('/object/description pr'), false],
    ['a filter on the link qualifier', filter('/linkQualifier eq "default"'), true],
  ])('skips or applies the property by %s', async (_case, condition, applied) => {
    const created = await mapForCreate([from('mail', 'mail', { condition })], ctx, noScripts);
    expect(created).toEqual(applied ? { mail: 'bjensen@example.com' } : {});
  });

  it.each([
    [true, true],
    [false, false],
    ['non-empty', false],
    [1, false],
    [null, false],
  ])(
    'treats a condition script result of %j as %s (non-boolean counts as false)',
    async (result, applied) => {
      const { evaluate } = scriptsOf({ cond: () => result });
      const created = await mapForCreate(
        [from('mail', 'mail', { condition: scriptCondition('cond') })],
        ctx,
        evaluate,
      );
      expect('mail' in created).toBe(applied);
    },
  );

  it('gives a condition the source as object, the target built so far, and oldSource/oldTarget when known', async () => {
    const { evaluate, calls } = scriptsOf({ cond: () => true });
    const existing = { _id: 'm1', _rev: '3', userName: 'old' };
    await mapForUpdate(
      [from('uid', 'userName'), from('mail', 'mail', { condition: scriptCondition('cond') })],
      existing,
      { ...ctx, oldSource: { uid: 'bjensen0' } },
      evaluate,
    );
    expect(calls[0]?.variables).toEqual({
      object: bjensen,
      target: { _id: 'm1', _rev: '3', userName: 'bjensen' },
      linkQualifier: 'default',
      oldSource: { uid: 'bjensen0' },
      oldTarget: existing,
    });
  });

  it('skipped properties leave the existing target value untouched on UPDATE', async () => {
    const existing = { _id: 'm1', description: 'keep me', mail: 'old@example.com' };
    const updated = await mapForUpdate(
      [
        from('description', 'description', { condition: filter('/object/description pr') }),
        from('mail', 'mail'),
      ],
      existing,
      ctx,
      noScripts,
    );
    expect(updated).toEqual({ _id: 'm1', description: 'keep me', mail: 'bjensen@example.com' });
  });

  it('applies UPDATE onto the full existing target, keeping unmapped attributes, without changing the input', async () => {
    const existing = {
      _id: 'm1',
      _rev: '2',
      userName: 'bjensen',
      accountStatus: 'active',
      mail: 'old@example.com',
    };
    const updated = await mapForUpdate([from('mail', 'mail')], existing, ctx, noScripts);
    expect(updated).toEqual({ ...existing, mail: 'bjensen@example.com' });
    expect(existing.mail).toBe('old@example.com');
  });

  it('creates intermediate objects for nested target pointers', async () => {
    expect(await mapForCreate([from('mail', '/contact/email')], ctx, noScripts)).toEqual({
      contact: { email: 'bjensen@example.com' },
    });
  });

  it('lets `target: "_id"` set a client-assigned id on CREATE', async () => {
    expect(await mapForCreate([from('uid', '_id')], ctx, noScripts)).toEqual({ _id: 'bjensen' });
  });

  it('fails an UPDATE that would change _id ("target \'_id\' has changed")', async () => {
    await expect(mapForUpdate([from('uid', '_id')], { _id: 'other' }, ctx, noScripts)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "target '_id' has changed",
    });
    expect(await mapForUpdate([from('uid', '_id')], { _id: 'bjensen', sn: 'J' }, ctx, noScripts)).toEqual({
      _id: 'bjensen',
      sn: 'J',
    });
  });

  it('copies values so that the target never shares objects with the source', async () => {
    const source = { groups: ['a'] };
    const created = await mapForCreate(
      [from('groups', 'groups')],
      { source, linkQualifier: 'default' },
      noScripts,
    );
    (created['groups'] as string[]).push('b');
    expect(source.groups).toEqual(['a']);
  });
});

describe('planUpdate / planCreate: write only on a deep difference', () => {
  it('reports no change when the mapped target equals the existing one, key order aside', () => {
    expect(planUpdate({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual({
      changed: false,
      diff: [],
    });
  });

  it('lists changed, added and removed properties with before and after', () => {
    const plan = planUpdate(
      { _id: 'm1', mail: 'old@example.com', phone: '1', address: { city: 'Paris', zip: '75001' } },
      { _id: 'm1', mail: 'new@example.com', sn: 'Jensen', address: { city: 'Lyon', zip: '75001' } },
    );
    expect(plan).toEqual({
      changed: true,
      diff: [
        { field: '/mail', before: 'old@example.com', after: 'new@example.com' },
        { field: '/phone', before: '1' },
        { field: '/address/city', before: 'Paris', after: 'Lyon' },
        { field: '/sn', after: 'Jensen' },
      ],
    });
  });

  it('treats null written over a value as a change (cleared attribute)', () => {
    expect(planUpdate({ phone: '1' }, { phone: null }).diff).toEqual([
      { field: '/phone', before: '1', after: null },
    ]);
  });

  it('compares arrays as a whole', () => {
    expect(planUpdate({ groups: ['a', 'b'] }, { groups: ['b', 'a'] }).diff).toEqual([
      { field: '/groups', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
  });

  it('escapes "~" and "/" in the names of changed properties, nested ones included (RFC 6901)', () => {
    expect(planUpdate({ 'a/b': { 'c~d': 1 } }, { 'a/b': { 'c~d': 2 } }).diff).toEqual([
      { field: '/a~1b/c~0d', before: 1, after: 2 },
    ]);
  });

  it('targetChanges answers what planUpdate(…).changed answers, without building the diff', () => {
    const pairs: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { a: 1, b: { c: [1, 2] } },
        { b: { c: [1, 2] }, a: 1 },
      ],
      [{ a: 1 }, { a: 2 }],
      [{ a: 1 }, { a: 1, b: null }],
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: { b: undefined } }, { a: {} }],
      [{ a: { b: 1 } }, { a: { b: 1, c: undefined } }],
      [{ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }],
      [{ a: [1] }, { a: [1, 2] }],
      [{}, { a: undefined }],
      [{}, { a: 'x' }],
      [{ a: 'x' }, {}],
      [{ a: null }, { a: {} }],
    ];
    for (const [before, after] of pairs) {
      expect([before, after, targetChanges(before, after)]).toEqual([
        before,
        after,
        planUpdate(before, after).changed,
      ]);
    }
  });

  it('lists every property of a created object as added', () => {
    expect(planCreate({ userName: 'bjensen', mail: null })).toEqual({
      changed: true,
      diff: [
        { field: '/userName', after: 'bjensen' },
        { field: '/mail', after: null },
      ],
    });
  });
});

describe('jsonClone', () => {
  it.each([
    ['nested objects and arrays', { a: [1, 'x', { b: [true, null] }], c: { d: 'e' } }],
    ['undefined members and array items', { a: undefined, b: [undefined, 1], c: 2 }],
    ['non-finite numbers', { a: NaN, b: [Infinity, -Infinity] }],
    ['a Date member', { at: new Date(Date.UTC(2020, 0, 2)) }],
    ['an own "__proto__" member', JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown],
  ])('copies %s as a JSON round trip would', (_case, value) => {
    const copy = jsonClone(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(copy).toEqual(JSON.parse(JSON.stringify(value)));
    expect(copy).not.toBe(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});

describe('property mapping with scripts that answer at once (EvaluateScript.now)', () => {
  const behaviours: Record<string, (vars: Record<string, unknown>) => unknown> = {
    fullName: (v) =>
      `${String((v['source'] as typeof bjensen).givenName)} ${String((v['source'] as typeof bjensen).sn)}`,
    hasMail: (v) => Boolean((v['object'] as typeof bjensen).mail),
    hasPhone: (v) => Boolean((v['object'] as Record<string, unknown>)['telephoneNumber']),
    upper: (v) => String(v['source']).toUpperCase(),
  };
  const properties = [
    prop('cn', { source: [], transform: script('fullName') }),
    from('mail', 'mail', { condition: scriptCondition('hasMail') }),
    from('telephoneNumber', 'phone', { condition: scriptCondition('hasPhone') }),
    from('uid', 'uid', { transform: script('upper') }),
    from('sn', 'sn'),
  ];
  const expected = { cn: 'Barbara Jensen', mail: 'bjensen@example.com', uid: 'BJENSEN', sn: 'Jensen' };

  /** `now` answers the scripts named in `atOnce`; the others go through the asynchronous call. */
  function evaluator(atOnce: ReadonlySet<string>) {
    const asynchronous: string[] = [];
    const { evaluate } = scriptsOf(behaviours);
    const counted = Object.assign(
      async (spec: Parameters<typeof evaluate>[0], variables: Parameters<typeof evaluate>[1]) => {
        asynchronous.push(spec.source ?? '');
        return evaluate(spec, variables);
      },
      {
        now: (spec: Parameters<typeof evaluate>[0], variables: Parameters<typeof evaluate>[1]) => {
          const name = spec.source ?? '';
          return atOnce.has(name) ? { value: behaviours[name]?.(variables) } : undefined;
        },
      },
    );
    return { evaluate: counted, asynchronous };
  }

  it.each([
    ['every script at once', ['fullName', 'hasMail', 'hasPhone', 'upper'], []],
    ['none at once', [], ['fullName', 'hasMail', 'hasPhone', 'upper']],
    ['some at once, the rest waited for in order', ['hasMail', 'upper'], ['fullName', 'hasPhone']],
  ])('maps the same target with %s', async (_what, atOnce, waited) => {
    const { evaluate, asynchronous } = evaluator(new Set(atOnce));
    expect(await mapForCreate(properties, ctx, evaluate)).toEqual(expected);
    expect(asynchronous).toEqual(waited);
  });

  it('fails the mapping, not its caller, when a script that answers at once throws', async () => {
    const throwing = Object.assign(async () => true, {
      now: () => {
        throw new Error('Script error in test hasMail: boom');
      },
    });
    const mapping = mapForCreate(
      [from('mail', 'mail', { condition: scriptCondition('hasMail') })],
      ctx,
      throwing,
    );
    await expect(mapping).rejects.toThrow('boom');
  });
});
