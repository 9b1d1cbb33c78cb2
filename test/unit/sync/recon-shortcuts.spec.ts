import { parsePointer } from '../../../src/core/json-pointer/json-pointer';
import { determineAction, scriptlessDecision } from '../../../src/core/sync/policy';
import { leavesTargetUnchanged, mapForUpdate } from '../../../src/core/sync/property-mapping';
import { SITUATIONS } from '../../../src/core/sync/situation';
import { sourceFieldsRead } from '../../../src/core/sync/source-fields';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import type { Mapping, Policy, PropertyMapping } from '../../../src/core/sync/sync-config.types';
import { planUpdate } from '../../../src/core/sync/target-plan';
import { sampleSyncJson } from './sample-sync';
import { filter, noScripts, script } from './sync-fixtures';

/**
 * The shortcuts a recon takes for speed must conclude what the full path concludes: which source fields a
 * mapping can read, whether an UPDATE changes nothing, and the decision when no script takes part.
 */
const [ldapToManaged, managedToLdap] = compileSyncConfig(sampleSyncJson(), 'sync.json') as [Mapping, Mapping];

describe('sourceFieldsRead: the fields a recon asks the source for', () => {
  it('names the fields of plain property mappings (the sample LDAP → managed mapping)', () => {
    expect(sourceFieldsRead(ldapToManaged)?.sort()).toEqual(
      ['cn', 'description', 'givenName', 'mail', 'sn', 'telephoneNumber', 'uid'].sort(),
    );
  });

  it('reads everything when a script may see the whole source', () => {
    // managed → LDAP has a transform of "source": "" and conditions on `object`.
    expect(sourceFieldsRead(managedToLdap)).toBeNull();
    const variants: Partial<Mapping>[] = [
      { validSource: script('valid') },
      { sourceCondition: filter('/source/accountStatus eq "active"') },
      { correlation: { kind: 'script', script: script('correlate') } },
      { linkQualifiers: { kind: 'script', script: script('qualifiers') } },
      { hooks: { onUpdate: script('onUpdate') } },
      { hooks: { postMapping: script('postMapping') } },
      {
        policies: [
          { situation: 'CONFIRMED', action: 'UPDATE', condition: filter('/object/x eq 1'), where: 'p' },
        ],
      },
      { policies: [{ situation: 'CONFIRMED', action: script('decide'), where: 'p' }] },
      { policies: [{ situation: 'CONFIRMED', action: 'UPDATE', postAction: script('after'), where: 'p' }] },
    ];
    for (const variant of variants) expect(sourceFieldsRead({ ...ldapToManaged, ...variant })).toBeNull();
  });

  it('reads everything for a whole-source property or a property condition, and nothing extra otherwise', () => {
    const whole: PropertyMapping = { source: [], target: ['copy'], targetText: 'copy', where: 'p' };
    expect(sourceFieldsRead({ ...ldapToManaged, properties: [whole] })).toBeNull();
    const conditioned: PropertyMapping = {
      source: ['cn'],
      target: ['displayName'],
      targetText: 'displayName',
      condition: filter('/object/cn pr'),
      where: 'p',
    };
    expect(sourceFieldsRead({ ...ldapToManaged, properties: [conditioned] })).toBeNull();
    const nested: PropertyMapping = {
      source: parsePointer('/address/city'),
      target: ['city'],
      targetText: 'city',
      transform: script('upper'),
      where: 'p',
    };
    const constant: PropertyMapping = { target: ['status'], targetText: 'status', default: 'x', where: 'p' };
    expect(sourceFieldsRead({ ...ldapToManaged, properties: [nested, constant] })).toEqual(['address']);
    expect(sourceFieldsRead({ ...ldapToManaged, properties: [] })).toEqual([]);
  });
});

describe('leavesTargetUnchanged agrees with mapForUpdate + planUpdate', () => {
  const prop = (source: string | undefined, target: string, more: Partial<PropertyMapping> = {}) => ({
    ...(source === undefined ? {} : { source: parsePointer(source) }),
    target: parsePointer(target),
    targetText: target,
    where: `p ${target}`,
    ...more,
  });
  const source = { _id: 'e1', cn: 'Barbara Jensen', mail: 'b@example.com', tags: ['a', 'b'], phone: null };
  const cases: {
    name: string;
    properties: PropertyMapping[];
    existing: Record<string, unknown>;
    unchanged: boolean;
  }[] = [
    {
      name: 'all equal, unmapped members kept',
      properties: [prop('cn', 'displayName'), prop('mail', 'mail'), prop('tags', 'tags')],
      existing: {
        _id: 'm1',
        _rev: '3',
        displayName: 'Barbara Jensen',
        mail: 'b@example.com',
        tags: ['a', 'b'],
        x: 1,
      },
      unchanged: true,
    },
    {
      name: 'one value differs',
      properties: [prop('cn', 'displayName'), prop('mail', 'mail')],
      existing: { displayName: 'Barbara Jensen', mail: 'old@example.com' },
      unchanged: false,
    },
    {
      name: 'missing in the source, absent in the target (null is written)',
      properties: [prop('telephoneNumber', 'telephoneNumber')],
      existing: { displayName: 'x' },
      unchanged: false,
    },
    {
      name: 'missing in the source, null in the target',
      properties: [prop('telephoneNumber', 'telephoneNumber')],
      existing: { telephoneNumber: null },
      unchanged: true,
    },
    {
      name: 'default applies and equals',
      properties: [prop('phone', 'phone', { default: '000' })],
      existing: { phone: '000' },
      unchanged: true,
    },
    {
      name: 'array order differs',
      properties: [prop('tags', 'tags')],
      existing: { tags: ['b', 'a'] },
      unchanged: false,
    },
  ];

  it.each(cases)('$name', async ({ properties, existing, unchanged }) => {
    const mapped = await mapForUpdate(properties, existing, { source, linkQualifier: 'default' }, noScripts);
    expect(planUpdate(existing, mapped).changed).toBe(!unchanged);
    expect(leavesTargetUnchanged(properties, existing, source)).toBe(unchanged);
  });

  it('answers "map it" (false) when a target is written twice and the first write differs', async () => {
    const properties = [prop('mail', 'contact'), prop('cn', 'contact')];
    const existing = { contact: 'Barbara Jensen' };
    const mapped = await mapForUpdate(properties, existing, { source, linkQualifier: 'default' }, noScripts);
    expect(planUpdate(existing, mapped).changed).toBe(false);
    expect(leavesTargetUnchanged(properties, existing, source)).toBe(false);
  });

  it('does not answer for transforms, conditions or nested targets', () => {
    const existing = { displayName: 'Barbara Jensen', a: { b: 'Barbara Jensen' } };
    expect(
      leavesTargetUnchanged([prop('cn', 'displayName', { transform: script('t') })], existing, source),
    ).toBe(false);
    expect(
      leavesTargetUnchanged(
        [prop('cn', 'displayName', { condition: filter('/object/cn pr') })],
        existing,
        source,
      ),
    ).toBe(false);
    expect(leavesTargetUnchanged([prop('cn', '/a/b')], existing, source)).toBe(false);
  });
});

describe('scriptlessDecision gives what determineAction gives', () => {
  const context = {
    source: { cn: 'x' },
    target: null,
    linkQualifier: 'default',
    sourceAction: true,
    mapping: 'm',
    reconId: null,
    sourceId: 's',
    targetId: null,
    ambiguousTargetIds: [],
  };
  const policySets: Policy[][] = [
    [],
    ldapToManaged.policies as Policy[],
    [
      { situation: 'CONFIRMED', action: 'UPDATE', postAction: script('after'), where: 'p0' },
      { situation: 'CONFIRMED', action: 'IGNORE', where: 'p1' },
    ],
    [{ situation: 'ABSENT', action: 'IGNORE', postAction: script('after'), where: 'p0' }],
  ];

  it.each(policySets.map((policies, i) => ({ i, policies })))(
    'policy set $i, every situation',
    async ({ policies }) => {
      for (const situation of SITUATIONS) {
        const quick = scriptlessDecision(situation, policies);
        expect(quick).toEqual(await determineAction(situation, policies, context, noScripts));
      }
    },
  );

  it('leaves conditions and action scripts to determineAction', () => {
    const conditioned: Policy[] = [
      { situation: 'CONFIRMED', action: 'UPDATE', condition: filter('/object/cn eq "x"'), where: 'p0' },
    ];
    expect(scriptlessDecision('CONFIRMED', conditioned)).toBeUndefined();
    expect(
      scriptlessDecision('CONFIRMED', [{ situation: 'CONFIRMED', action: script('a'), where: 'p' }]),
    ).toBeUndefined();
    // Another situation's conditions do not matter.
    expect(scriptlessDecision('ABSENT', conditioned)).toEqual({ action: 'CREATE' });
  });
});
