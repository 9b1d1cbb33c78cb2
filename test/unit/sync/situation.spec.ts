import { ACTIONS, isAction, isDestructive, isAudited, runsPostAction } from '../../../src/core/sync/action';
import {
  assessDeletedSourceSituation,
  missingDeletedSourceFact,
  type DeletedSourceFacts,
} from '../../../src/core/sync/deleted-source-situation';
import {
  claimedTargetIds,
  DEFAULT_ACTIONS,
  emptySituationSummary,
  isSituation,
  SITUATIONS,
  type Assessment,
} from '../../../src/core/sync/situation';
import {
  assessSourceSituation,
  missingSourceFact,
  type SourceFacts,
} from '../../../src/core/sync/source-situation';
import {
  assessTargetSituation,
  missingTargetFact,
  type TargetFacts,
} from '../../../src/core/sync/target-situation';

describe('default actions (OpenIDM Situation enum, CODE column)', () => {
  it.each([
    ['CONFIRMED', 'UPDATE'],
    ['FOUND', 'UPDATE'],
    ['FOUND_ALREADY_LINKED', 'EXCEPTION'],
    ['ABSENT', 'CREATE'],
    ['AMBIGUOUS', 'EXCEPTION'],
    ['MISSING', 'EXCEPTION'],
    ['UNQUALIFIED', 'DELETE'],
    ['SOURCE_IGNORED', 'REPORT'],
    ['TARGET_IGNORED', 'REPORT'],
    ['UNASSIGNED', 'EXCEPTION'],
    ['SOURCE_MISSING', 'EXCEPTION'],
    ['LINK_ONLY', 'EXCEPTION'],
    ['ALL_GONE', 'NOREPORT'],
  ] as const)('%s defaults to %s', (situation, action) => {
    expect(DEFAULT_ACTIONS[situation]).toBe(action);
  });

  it('covers exactly the 13 situations and uses only the 10 actions', () => {
    expect(Object.keys(DEFAULT_ACTIONS).sort()).toEqual([...SITUATIONS].sort());
    expect(SITUATIONS).toHaveLength(13);
    expect(ACTIONS).toHaveLength(10);
    expect(Object.values(DEFAULT_ACTIONS).every(isAction)).toBe(true);
    expect(isSituation('CONFIRMED')).toBe(true);
    expect(isSituation('confirmed')).toBe(false);
  });

  it.each([
    ['CREATE', true, true, false],
    ['UPDATE', true, true, false],
    ['DELETE', true, true, true],
    ['LINK', true, true, false],
    ['UNLINK', true, true, true],
    ['EXCEPTION', false, true, false],
    ['IGNORE', false, true, false],
    ['REPORT', true, true, false],
    ['NOREPORT', true, false, false],
    ['ASYNC', false, true, false],
  ] as const)('%s: postAction %s, audited %s, destructive %s', (action, post, audited, destructive) => {
    expect([runsPostAction(action), isAudited(action), isDestructive(action)]).toEqual([
      post,
      audited,
      destructive,
    ]);
  });

  it('summarises recon situations with the 11 keys of OpenIDM, all zero', () => {
    const summary = emptySituationSummary();
    expect(Object.keys(summary)).toHaveLength(11);
    expect(summary).not.toHaveProperty('LINK_ONLY');
    expect(summary).not.toHaveProperty('ALL_GONE');
    expect(Object.values(summary).every((n) => n === 0)).toBe(true);
  });
});

describe('assessSourceSituation (§2.2)', () => {
  const rows: [string, SourceFacts, Assessment][] = [
    [
      'valid, linked, target exists',
      { linkedTargetId: 't1', valid: true, linkedTargetExists: true },
      { situation: 'CONFIRMED', targetId: 't1' },
    ],
    [
      'valid, linked, target gone',
      { linkedTargetId: 't1', valid: true, linkedTargetExists: false },
      { situation: 'MISSING', targetId: 't1' },
    ],
    [
      'valid, unlinked, no correlation configured (§12.2 #7)',
      { linkedTargetId: null, valid: true, correlation: null },
      { situation: 'ABSENT' },
    ],
    [
      'valid, unlinked, correlation finds nothing',
      { linkedTargetId: null, valid: true, correlation: [] },
      { situation: 'ABSENT' },
    ],
    [
      'valid, unlinked, one free match',
      { linkedTargetId: null, valid: true, correlation: ['t2'], correlatedTargetLinked: false },
      { situation: 'FOUND', targetId: 't2' },
    ],
    [
      'valid, unlinked, one match linked elsewhere (§12.2 #2)',
      { linkedTargetId: null, valid: true, correlation: ['t2'], correlatedTargetLinked: true },
      { situation: 'FOUND_ALREADY_LINKED', targetId: 't2' },
    ],
    [
      'valid, unlinked, several matches (§12.2 #1)',
      { linkedTargetId: null, valid: true, correlation: ['t2', 't3'] },
      { situation: 'AMBIGUOUS', ambiguousTargetIds: ['t2', 't3'] },
    ],
    [
      'invalid, linked, target exists',
      { linkedTargetId: 't1', valid: false },
      { situation: 'UNQUALIFIED', targetId: 't1' },
    ],
    [
      'invalid, linked, target gone',
      { linkedTargetId: 't1', valid: false, linkedTargetExists: false },
      { situation: 'UNQUALIFIED', targetId: 't1' },
    ],
    [
      'invalid, unlinked, no correlation',
      { linkedTargetId: null, valid: false, correlation: null },
      { situation: 'SOURCE_IGNORED' },
    ],
    [
      'invalid, unlinked, no match',
      { linkedTargetId: null, valid: false, correlation: [] },
      { situation: 'SOURCE_IGNORED' },
    ],
    [
      'invalid, unlinked, one match',
      { linkedTargetId: null, valid: false, correlation: ['t2'] },
      { situation: 'UNQUALIFIED', targetId: 't2' },
    ],
    [
      'invalid, unlinked, several matches',
      { linkedTargetId: null, valid: false, correlation: ['t2', 't3'] },
      { situation: 'UNQUALIFIED', ambiguousTargetIds: ['t2', 't3'] },
    ],
  ];
  it.each(rows)('%s', (_row, facts, expected) => {
    expect(assessSourceSituation(facts)).toEqual(expected);
  });

  it.each([
    [
      'the link first: nothing else before it is known',
      { linkedTargetId: 't1', valid: true },
      'linkedTargetExists',
    ],
    ['no correlation for a linked source', { linkedTargetId: 't1', valid: false }, undefined],
    ['correlation when unlinked', { linkedTargetId: null, valid: true }, 'correlation'],
    [
      'the link of a single correlated target',
      { linkedTargetId: null, valid: true, correlation: ['t'] },
      'correlatedTargetLinked',
    ],
    [
      'nothing more for an invalid single match',
      { linkedTargetId: null, valid: false, correlation: ['t'] },
      undefined,
    ],
  ] as const)('asks for %s', (_case, facts, expected) => {
    expect(missingSourceFact(facts)).toBe(expected);
  });

  it('refuses to decide before the needed facts are gathered', () => {
    expect(() => assessSourceSituation({ linkedTargetId: null, valid: true })).toThrow(
      /"correlation" not gathered/,
    );
  });

  it('claims the linked, correlated and ambiguous targets for the target phase', () => {
    expect(claimedTargetIds({ situation: 'AMBIGUOUS', ambiguousTargetIds: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(claimedTargetIds({ situation: 'FOUND', targetId: 'c' })).toEqual(['c']);
    expect(claimedTargetIds({ situation: 'ABSENT' })).toEqual([]);
  });
});

describe('assessDeletedSourceSituation (§2.3, §12.2 #3)', () => {
  const rows: [string, DeletedSourceFacts, Assessment][] = [
    [
      'linked, target valid',
      { linkedTargetId: 't1', linkedTargetExists: true, targetValid: true, oldValuePresent: true },
      { situation: 'SOURCE_MISSING', targetId: 't1' },
    ],
    [
      'linked, target invalid',
      { linkedTargetId: 't1', linkedTargetExists: true, targetValid: false, oldValuePresent: true },
      { situation: 'TARGET_IGNORED', targetId: 't1' },
    ],
    [
      'linked, target gone',
      { linkedTargetId: 't1', linkedTargetExists: false, oldValuePresent: false },
      { situation: 'LINK_ONLY', targetId: 't1' },
    ],
    [
      'unlinked, no old value (every liveSync delete)',
      { linkedTargetId: null, oldValuePresent: false },
      { situation: 'ALL_GONE' },
    ],
    [
      'unlinked, old value, no correlation',
      { linkedTargetId: null, oldValuePresent: true, correlation: null },
      { situation: 'ALL_GONE' },
    ],
    [
      'unlinked, old value, no match',
      { linkedTargetId: null, oldValuePresent: true, correlation: [] },
      { situation: 'ALL_GONE' },
    ],
    [
      'unlinked, one match, old value valid',
      { linkedTargetId: null, oldValuePresent: true, correlation: ['t2'], oldValueValid: true },
      { situation: 'UNASSIGNED', targetId: 't2' },
    ],
    [
      'unlinked, one match, old value invalid',
      { linkedTargetId: null, oldValuePresent: true, correlation: ['t2'], oldValueValid: false },
      { situation: 'TARGET_IGNORED', targetId: 't2' },
    ],
    [
      'unlinked, several matches, old value valid',
      { linkedTargetId: null, oldValuePresent: true, correlation: ['t2', 't3'], oldValueValid: true },
      { situation: 'AMBIGUOUS', ambiguousTargetIds: ['t2', 't3'] },
    ],
    [
      'unlinked, several matches, old value invalid',
      { linkedTargetId: null, oldValuePresent: true, correlation: ['t2', 't3'], oldValueValid: false },
      { situation: 'UNQUALIFIED', ambiguousTargetIds: ['t2', 't3'] },
    ],
  ];
  it.each(rows)('%s', (_row, facts, expected) => {
    expect(assessDeletedSourceSituation(facts)).toEqual(expected);
  });

  it.each([
    [{ linkedTargetId: 't', oldValuePresent: false }, 'linkedTargetExists'],
    [{ linkedTargetId: 't', linkedTargetExists: true, oldValuePresent: false }, 'targetValid'],
    [{ linkedTargetId: null, oldValuePresent: false }, undefined],
    [{ linkedTargetId: null, oldValuePresent: true }, 'correlation'],
    [{ linkedTargetId: null, oldValuePresent: true, correlation: ['t'] }, 'oldValueValid'],
  ] as const)('%j needs %s', (facts, expected) => {
    expect(missingDeletedSourceFact(facts)).toBe(expected);
  });
});

describe('assessTargetSituation (§2.4, §12.2 #4)', () => {
  const rows: [string, TargetFacts, ReturnType<typeof assessTargetSituation>][] = [
    ['invalid target, before any link check', { targetValid: false }, { situation: 'TARGET_IGNORED' }],
    ['valid, unlinked', { targetValid: true, linkedSourceId: null }, { situation: 'UNASSIGNED' }],
    [
      'linked, source gone',
      { targetValid: true, linkedSourceId: 's1', linkedSourceExists: false },
      { situation: 'SOURCE_MISSING', sourceId: 's1' },
    ],
    [
      'linked, source invalid',
      { targetValid: true, linkedSourceId: 's1', linkedSourceExists: true, sourceValid: false },
      { situation: 'UNQUALIFIED', sourceId: 's1' },
    ],
    [
      'linked, source valid (changed since its phase)',
      { targetValid: true, linkedSourceId: 's1', linkedSourceExists: true, sourceValid: true },
      { situation: 'CONFIRMED', sourceId: 's1' },
    ],
  ];
  it.each(rows)('%s', (_row, facts, expected) => {
    expect(assessTargetSituation(facts)).toEqual(expected);
  });

  it.each([
    [{ targetValid: false }, undefined],
    [{ targetValid: true }, 'linkedSourceId'],
    [{ targetValid: true, linkedSourceId: 's' }, 'linkedSourceExists'],
    [{ targetValid: true, linkedSourceId: 's', linkedSourceExists: true }, 'sourceValid'],
  ] as const)('%j needs %s', (facts, expected) => {
    expect(missingTargetFact(facts)).toBe(expected);
  });
});
