import {
  correlationCandidates,
  correlationFor,
  correlationQueryParams,
  isFullEntry,
} from '../../../src/core/sync/correlation';
import { checkDeleteThreshold } from '../../../src/core/sync/delete-threshold';
import {
  linkBetween,
  linkSourceId,
  linkTargetId,
  normaliseId,
  planLinkChange,
  sourceColumn,
} from '../../../src/core/sync/link';
import { linkQualifiersFor } from '../../../src/core/sync/link-qualifier';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import type { Mapping } from '../../../src/core/sync/sync-config.types';
import { isSourceValid, isTargetValid } from '../../../src/core/sync/validity';
import { noScripts, script, scriptsOf } from './sync-fixtures';

const js = (source: string) => ({ type: 'text/javascript', source });
function compile(mappings: Record<string, unknown>[]): readonly Mapping[] {
  return compileSyncConfig({ mappings }, 'sync.json');
}
const base = { source: 'system/ldap/account', target: 'managed/user' };

describe('links (§3, §12.2 #10)', () => {
  const [forward, reverse] = compile([
    { name: 'ldap_managed', ...base, targetIdsCaseSensitive: false },
    {
      name: 'managed_ldap',
      source: 'managed/user',
      target: 'system/ldap/account',
      links: 'ldap_managed',
      sourceIdsCaseSensitive: false,
    },
  ]) as [Mapping, Mapping];

  it('stores the defining mapping source in firstId, whichever mapping writes the link', () => {
    expect(sourceColumn(forward.link)).toBe('firstId');
    expect(sourceColumn(reverse.link)).toBe('secondId');
    const written = linkBetween(forward.link, 'default', 'uid=jdoe', 'M-1');
    const writtenInReverse = linkBetween(reverse.link, 'default', 'M-1', 'uid=jdoe');
    expect(written).toEqual({
      linkType: 'ldap_managed',
      linkQualifier: 'default',
      firstId: 'uid=jdoe',
      secondId: 'm-1',
    });
    expect(writtenInReverse).toEqual(written);
    expect([linkSourceId(reverse.link, written), linkTargetId(reverse.link, written)]).toEqual([
      'm-1',
      'uid=jdoe',
    ]);
  });

  it("lower-cases only the sides the defining mapping declares case-insensitive (the reverse mapping's own flag does not count)", () => {
    expect(reverse.link).toEqual({
      type: 'ldap_managed',
      reversed: true,
      sourceIdsCaseSensitive: false,
      targetIdsCaseSensitive: true,
    });
    expect(normaliseId('UID=JDoe', false)).toBe('uid=jdoe');
    expect(normaliseId('UID=JDoe', true)).toBe('UID=JDoe');
  });

  it('shares the link set exactly when links names a mapping with the same source and target', () => {
    const [, same] = compile([
      { name: 'a', ...base },
      { name: 'b', ...base, links: 'a' },
    ]);
    expect(same?.link).toEqual({
      type: 'a',
      reversed: false,
      sourceIdsCaseSensitive: true,
      targetIdsCaseSensitive: true,
    });
  });

  it.each<[string, string | null, string | null, ReturnType<typeof planLinkChange>]>([
    ['CREATE', null, 'new', { kind: 'create', targetId: 'new' }],
    ['CREATE', 'old', 'new', { kind: 'repoint', from: 'old', targetId: 'new' }],
    ['UPDATE', null, 't', { kind: 'create', targetId: 't' }],
    ['UPDATE', 't', 't', { kind: 'none' }],
    ['LINK', null, 't', { kind: 'create', targetId: 't' }],
    ['LINK', 'other', 't', { kind: 'repoint', from: 'other', targetId: 't' }],
    ['DELETE', 't', 't', { kind: 'delete', targetId: 't' }],
    ['DELETE', null, 't', { kind: 'none' }],
    ['UNLINK', 't', 't', { kind: 'delete', targetId: 't' }],
    ['UNLINK', null, null, { kind: 'none' }],
    ['EXCEPTION', 't', 't', { kind: 'none' }],
    ['REPORT', null, 't', { kind: 'none' }],
  ])(
    '%s with link %s and target %s: %j (MISSING→CREATE re-points, §12.2 #6)',
    (action, linked, target, expected) => {
      expect(planLinkChange(action as never, linked, target)).toEqual(expected);
    },
  );

  it('changes no link when the mapping disables linking', () => {
    expect(planLinkChange('CREATE', null, 'new', false)).toEqual({ kind: 'none' });
  });
});

describe('correlation (§2.2, §12.2 #7, #8)', () => {
  const [queries, scripted, none] = compile([
    { name: 'q', ...base, correlationQuery: [js('q-default'), { ...js('q-test'), linkQualifier: 'test' }] },
    { name: 's', ...base, correlationScript: js('s'), correlateEmptyTargetSet: true },
    { name: 'n', ...base },
  ]) as [Mapping, Mapping, Mapping];

  it('picks the correlation query of the link qualifier', () => {
    expect(correlationFor(queries, 'default', false)).toMatchObject({
      kind: 'query',
      script: { source: 'q-default' },
    });
    expect(correlationFor(queries, 'test', false)).toMatchObject({
      kind: 'query',
      script: { source: 'q-test' },
    });
    expect(correlationFor(queries, 'other', false)).toBeUndefined();
    expect(correlationFor(scripted, 'any', false)).toMatchObject({ kind: 'script', script: { source: 's' } });
    expect(correlationFor(none, 'default', false)).toBeUndefined();
  });

  it('skips correlation when the target set was empty at recon start, unless correlateEmptyTargetSet', () => {
    expect(correlationFor(queries, 'default', true)).toBeUndefined();
    expect(correlationFor(scripted, 'default', true)).toBeDefined();
  });

  it('reads query params returned by a correlation query, with or without the underscore', () => {
    const where = script('q');
    expect(correlationQueryParams({ _queryFilter: 'uid eq "x"' }, where)).toEqual({
      _queryFilter: 'uid eq "x"',
    });
    expect(correlationQueryParams({ queryId: 'for-userName', uid: 'x' }, where)).toEqual({
      _queryId: 'for-userName',
      uid: 'x',
    });
    expect(() => correlationQueryParams('uid eq "x"', where)).toThrow(/must return query parameters/);
    expect(() => correlationQueryParams({ uid: 'x' }, where)).toThrow(/must return query parameters/);
  });

  it('reads candidates: ids in order, whole objects kept when they carry attributes', () => {
    const found = correlationCandidates(
      { result: [{ _id: 'a', _rev: '1' }, { _id: 'b', mail: 'b@x' }, { _id: 'a' }] },
      script('q'),
    );
    expect(found.ids).toEqual(['a', 'b']);
    expect([...found.objects.keys()]).toEqual(['b']);
    expect(correlationCandidates([], script('s')).ids).toEqual([]);
    expect(() => correlationCandidates([{ mail: 'x' }], script('s'))).toThrow(/"_id" string/);
    expect(() => correlationCandidates(null, script('s'))).toThrow(/list of target objects/);
  });

  it('detects full recon query entries as OpenIDM does (more than two keys besides _id/_rev)', () => {
    expect(isFullEntry({ _id: '1', _rev: '1', dn: 'x', uid: 'y' })).toBe(false);
    expect(isFullEntry({ _id: '1', dn: 'x', uid: 'y', cn: 'z' })).toBe(true);
  });
});

describe('validSource, sourceCondition, validTarget, linkQualifiers', () => {
  const [m] = compile([
    {
      name: 'm',
      ...base,
      validSource: js('valid'),
      sourceCondition: '/source/accountStatus eq "active"',
      validTarget: js('validTarget'),
      linkQualifiers: js('qualifiers'),
    },
  ]) as [Mapping];

  it.each([
    [true, 'active', true],
    [true, 'inactive', false],
    [false, 'active', false],
  ])('validSource %s and accountStatus %s ⇒ valid %s', async (valid, status, expected) => {
    const { evaluate } = scriptsOf({ valid: () => valid });
    expect(await isSourceValid(m, { accountStatus: status }, 'default', evaluate)).toBe(expected);
  });

  it('fails the entry when validSource or validTarget returns a non-boolean (§12.2 #9)', async () => {
    const { evaluate } = scriptsOf({ valid: () => 'yes', validTarget: () => 1 });
    await expect(isSourceValid(m, {}, 'default', evaluate)).rejects.toThrow(
      /validSource script must return a boolean, got string "yes"/,
    );
    await expect(isTargetValid(m, {}, 'default', evaluate)).rejects.toThrow(
      /validTarget script must return a boolean, got number 1/,
    );
  });

  it('treats a mapping without validity rules as valid', async () => {
    const [plain] = compile([{ name: 'p', ...base }]) as [Mapping];
    expect(await isSourceValid(plain, {}, 'default', noScripts)).toBe(true);
    expect(await isTargetValid(plain, {}, 'default', noScripts)).toBe(true);
  });

  it('asks a linkQualifiers script with mapping, object, oldValue and returnAll', async () => {
    const { evaluate, calls } = scriptsOf({
      qualifiers: (v) => (v['returnAll'] ? ['user', 'test', 'user'] : ['user']),
    });
    expect(await linkQualifiersFor(m, { object: null, oldValue: null, returnAll: true }, evaluate)).toEqual([
      'user',
      'test',
    ]);
    expect(calls[0]?.variables).toEqual({ mapping: 'm', object: null, oldValue: null, returnAll: true });
    const bad = scriptsOf({ qualifiers: () => 'user' });
    await expect(
      linkQualifiersFor(m, { object: {}, oldValue: null, returnAll: false }, bad.evaluate),
    ).rejects.toThrow(/must return an array of names/);
  });
});

describe('delete threshold (issue 5 item 8)', () => {
  it.each([
    [{ count: 500 }, 500, 10000, false, 500],
    [{ count: 500 }, 501, 10000, true, 500],
    [{ count: 500, percent: 10 }, 101, 1000, true, 100],
    [{ count: 500, percent: 10 }, 100, 1000, false, 100],
    [{ count: 500, percent: 10 }, 400, null, false, 500],
    [{ count: 0 }, 1, 5, true, 0],
  ])(
    '%j with %i planned of %s targets: exceeded %s (limit %i)',
    (threshold, planned, total, exceeded, limit) => {
      const verdict = checkDeleteThreshold(threshold, planned, total);
      expect([verdict.exceeded, verdict.limit]).toEqual([exceeded, limit]);
    },
  );

  it('explains the figures and the way through', () => {
    expect(checkDeleteThreshold({ count: 500, percent: 10 }, 150, 1000).message).toBe(
      'Reconciliation would delete or unlink 150 objects, more than the delete threshold of 100 ' +
        '(deleteThreshold: 500 objects or 10% of 1000 target objects); nothing was deleted. ' +
        'Repeat the request with confirmDeletes=true to go ahead.',
    );
  });
});
