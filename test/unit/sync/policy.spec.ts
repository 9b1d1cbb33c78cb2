import { determineAction, type ActionContext } from '../../../src/core/sync/policy';
import type { Policy } from '../../../src/core/sync/sync-config.types';
import { filter, noScripts, script, scriptCondition, scriptsOf } from './sync-fixtures';

const context = (more: Partial<ActionContext> = {}): ActionContext => ({
  source: { uid: 'jdoe', employeeType: 'contractor' },
  target: null,
  linkQualifier: 'default',
  sourceAction: true,
  mapping: 'systemLdapAccounts_managedUser',
  reconId: 'r-1',
  sourceId: 'uid=jdoe',
  targetId: null,
  ambiguousTargetIds: [],
  ...more,
});

const policy = (p: Partial<Policy> & Pick<Policy, 'situation' | 'action'>, index = 0): Policy => ({
  where: `sync.json /mappings/0/policies/${index}`,
  ...p,
});

describe('determineAction (§1.4, §2.5)', () => {
  it('uses the default action when no policy names the situation', async () => {
    const policies = [policy({ situation: 'FOUND', action: 'LINK' })];
    expect(await determineAction('ABSENT', policies, context(), noScripts)).toEqual({ action: 'CREATE' });
  });

  it('takes the action of an unconditional policy (sample: MISSING → CREATE)', async () => {
    const p = policy({ situation: 'MISSING', action: 'CREATE' });
    expect(await determineAction('MISSING', [p], context(), noScripts)).toEqual({
      action: 'CREATE',
      policy: p,
    });
  });

  it.each([
    ['filter on the source object', '/object/employeeType eq "contractor"', context().source, true],
    ['filter that does not hold', '/object/employeeType eq "employee"', context().source, false],
    ['filter on the link qualifier', '/linkQualifier eq "default"', context().source, true],
    ['filter on a missing source (target phase)', '/object/uid pr', null, false],
  ])('evaluates a %s', async (_case, text, source, matches) => {
    const p = policy({ situation: 'ABSENT', action: 'IGNORE', condition: filter(text) });
    const decision = await determineAction('ABSENT', [p], context({ source }), noScripts);
    expect(decision.action).toBe(matches ? 'IGNORE' : 'CREATE');
  });

  it.each([
    [true, 'IGNORE'],
    [false, 'CREATE'],
    ['yes', 'CREATE'],
    [1, 'CREATE'],
    [undefined, 'CREATE'],
  ])('counts a condition script result of %j as %s (only true matches)', async (result, expected) => {
    const { evaluate, calls } = scriptsOf({ cond: () => result });
    const p = policy({ situation: 'ABSENT', action: 'IGNORE', condition: scriptCondition('cond') });
    expect((await determineAction('ABSENT', [p], context(), evaluate)).action).toBe(expected);
    expect(calls[0]?.variables).toEqual({ object: context().source, linkQualifier: 'default' });
  });

  it('lets the first matching policy win, in config order', async () => {
    const policies = [
      policy({ situation: 'ABSENT', action: 'IGNORE', condition: filter('/object/uid eq "other"') }, 0),
      policy({ situation: 'ABSENT', action: 'REPORT', condition: filter('/object/uid eq "jdoe"') }, 1),
      policy({ situation: 'ABSENT', action: 'ASYNC' }, 2),
    ];
    const decision = await determineAction('ABSENT', policies, context(), noScripts);
    expect(decision.action).toBe('REPORT');
    expect(decision.policy).toBe(policies[1]);
  });

  it('runs an action script with source, target, qualifier and recon.actionParam', async () => {
    const { evaluate, calls } = scriptsOf({ approve: () => 'ASYNC' });
    const p = policy({ situation: 'ABSENT', action: script('approve') });
    const decision = await determineAction('ABSENT', [p], context({ ambiguousTargetIds: ['x'] }), evaluate);
    expect(decision.action).toBe('ASYNC');
    expect(calls[0]?.variables).toEqual({
      source: context().source,
      target: null,
      linkQualifier: 'default',
      sourceAction: true,
      recon: {
        actionParam: {
          reconId: 'r-1',
          mapping: 'systemLdapAccounts_managedUser',
          situation: 'ABSENT',
          action: 'CREATE',
          sourceId: 'uid=jdoe',
          linkQualifier: 'default',
          ambiguousTargetIds: ['x'],
          _action: 'performAction',
        },
      },
    });
  });

  it.each([null, 'create', 'DROP', 3])('fails when an action script returns %j', async (result) => {
    const { evaluate } = scriptsOf({ bad: () => result });
    const p = policy({
      situation: 'ABSENT',
      action: script('bad', 'sync.json /mappings/0/policies/0/action'),
    });
    await expect(determineAction('ABSENT', [p], context(), evaluate)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('must return an action name') as unknown,
    });
  });

  describe('postAction selection', () => {
    const post = (name: string) => script(name);
    it('runs the active policy postAction', async () => {
      const policies = [
        policy({
          situation: 'CONFIRMED',
          action: 'UPDATE',
          condition: filter('false'),
          postAction: post('first'),
        }),
        policy({ situation: 'CONFIRMED', action: 'UPDATE', postAction: post('second') }),
      ];
      expect((await determineAction('CONFIRMED', policies, context(), noScripts)).postAction?.source).toBe(
        'second',
      );
    });

    it("falls back to the situation's first policy postAction when none matched", async () => {
      const policies = [
        policy({
          situation: 'CONFIRMED',
          action: 'IGNORE',
          condition: filter('false'),
          postAction: post('first'),
        }),
        policy({
          situation: 'CONFIRMED',
          action: 'IGNORE',
          condition: filter('false'),
          postAction: post('second'),
        }),
      ];
      const decision = await determineAction('CONFIRMED', policies, context(), noScripts);
      expect(decision).toEqual({ action: 'UPDATE', postAction: policies[0]?.postAction });
    });

    it.each(['IGNORE', 'ASYNC', 'EXCEPTION'] as const)('never runs after %s', async (action) => {
      const policies = [policy({ situation: 'ABSENT', action, postAction: post('p') })];
      expect((await determineAction('ABSENT', policies, context(), noScripts)).postAction).toBeUndefined();
    });

    it.each(['CREATE', 'UPDATE', 'DELETE', 'LINK', 'UNLINK', 'REPORT', 'NOREPORT'] as const)(
      'runs after %s',
      async (action) => {
        const policies = [policy({ situation: 'ABSENT', action, postAction: post('p') })];
        expect((await determineAction('ABSENT', policies, context(), noScripts)).postAction?.source).toBe(
          'p',
        );
      },
    );

    it('has none when the situation has no policy', async () => {
      const policies = [policy({ situation: 'FOUND', action: 'UPDATE', postAction: post('p') })];
      expect((await determineAction('ABSENT', policies, context(), noScripts)).postAction).toBeUndefined();
    });
  });
});
