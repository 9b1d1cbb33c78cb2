/**
 * previousTarget: the target as an update's older source state maps it, the basis an implicit sync of a
 * bidirectional mapping writes against (a property both states map alike is left as the target has it now).
 */
import type { Mapping } from '../../../src/core/sync/sync-config.types';
import { previousTarget } from '../../../src/sync/target-mapping';
import type { PlannedOperation, SyncRun } from '../../../src/sync/sync-run';
import { noScripts } from './sync-fixtures';

const copy = (field: string, extra: object = {}) => ({
  source: [field],
  target: [field],
  targetText: field,
  where: `property ${field}`,
  ...extra,
});
const mapping = { properties: [copy('mail'), copy('sn')] } as unknown as Mapping;

const runOf = (over: Partial<SyncRun> = {}) =>
  ({
    mapping,
    targetFlowsBack: true,
    scripts: { evaluate: noScripts },
    record: () => undefined,
    ...over,
  }) as unknown as SyncRun;
const planOf = (oldSource: Record<string, unknown> | null) =>
  ({ linkQualifier: 'default', oldSource }) as unknown as PlannedOperation;
const existing = { _id: 'e1', mail: 'now@example.com', sn: 'Now', cn: 'Kept' };

it('maps the older source state onto the target as read', async () => {
  const basis = await previousTarget(runOf(), planOf({ mail: 'old@example.com', sn: 'Old' }), existing);
  expect(basis).toEqual({ _id: 'e1', mail: 'old@example.com', sn: 'Old', cn: 'Kept' });
});

it('gives none without an older state, or where nothing brings the target set’s changes back', async () => {
  expect(await previousTarget(runOf(), planOf(null), existing)).toBeUndefined();
  expect(
    await previousTarget(runOf({ targetFlowsBack: false }), planOf({ mail: 'o', sn: 'O' }), existing),
  ).toBeUndefined();
});

it('gives none, rather than failing the sync, when a script fails on the older state', async () => {
  const transform = { type: 'text/javascript', source: 'x', globals: {}, extra: {}, where: 'transform' };
  const scripted = { properties: [copy('mail', { transform })] } as unknown as Mapping;
  const run = runOf({ mapping: scripted });
  expect(await previousTarget(run, planOf({ mail: 'old@example.com' }), existing)).toBeUndefined();
});
