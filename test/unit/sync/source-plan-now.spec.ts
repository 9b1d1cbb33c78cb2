import type { LinkRecord } from '../../../src/core/sync/link';
import { compileSyncConfig } from '../../../src/core/sync/sync-config.compiler';
import type { Mapping } from '../../../src/core/sync/sync-config.types';
import { planSourceOperation, planSourceOperationNow } from '../../../src/sync/source.operation';
import type { SyncRun } from '../../../src/sync/sync-run';
import { sampleSyncJson } from './sample-sync';
import { filter, scriptsOf } from './sync-fixtures';

const [ldapToManaged] = compileSyncConfig(sampleSyncJson(), 'sync.json') as [Mapping, Mapping];

const entry = { _id: 'e1', uid: 'bjensen', cn: 'Barbara Jensen', sn: 'Jensen', mail: 'b@example.com' };

/**
 * A recon's run as the source phase sees it: links prefetched (or not), the target id set, and a record of the
 * steps timed. Targets are read and queried from `targets`.
 */
function reconRun(
  mapping: Mapping,
  options: { links?: Record<string, string>; prefetched?: boolean; targets?: string[] } = {},
) {
  const links = new Map(Object.entries(options.links ?? {}));
  const targets = new Set(options.targets ?? []);
  const recorded: string[] = [];
  const linkOf = (sourceId: string): LinkRecord | null => {
    const targetId = links.get(sourceId);
    return targetId === undefined
      ? null
      : {
          _id: `l-${sourceId}`,
          _rev: '0',
          linkType: mapping.link.type,
          linkQualifier: 'default',
          firstId: sourceId,
          secondId: targetId,
        };
  };
  const run = {
    mapping,
    reconId: 'r1',
    analyze: false,
    targetSetKnownEmpty: false,
    targetIds: { has: (id: string) => targets.has(id) },
    scripts: scriptsOf({ correlate: () => ({ _queryFilter: 'userName eq "bjensen"' }) }),
    links: {
      prefetchedForSource: (_q: string, sourceId: string) =>
        options.prefetched === false ? undefined : linkOf(sourceId),
      forSource: async (_q: string, sourceId: string) => linkOf(sourceId),
      forTarget: async () => null,
      targetOf: (link: LinkRecord) => link.secondId,
    },
    target: {
      read: async (id: string) => (targets.has(id) ? { _id: id } : null),
      query: async () => [...targets].map((id) => ({ _id: id })),
    },
    record: (name: string) => void recorded.push(name),
  } as unknown as SyncRun;
  return { run, recorded };
}

/**
 * Recon plans an entry without a promise when every fact is at hand (planSourceOperationNow); it must plan what
 * the full path plans and time the same steps, and leave every other entry, recording nothing, to the full path.
 */
describe('planSourceOperationNow: the source phase without a promise', () => {
  it.each<{ name: string; links: Record<string, string>; targets: string[] }>([
    { name: 'linked, target there: CONFIRMED → UPDATE', links: { e1: 'u1' }, targets: ['u1'] },
    { name: 'linked, target gone: MISSING → CREATE', links: { e1: 'u1' }, targets: [] },
    { name: 'not linked, no correlation: ABSENT → CREATE', links: {}, targets: ['u1'] },
  ])('$name: plans what the full path plans', async ({ links, targets }) => {
    const now = reconRun(ldapToManaged, { links, targets });
    const full = reconRun(ldapToManaged, { links, targets });
    const quick = planSourceOperationNow(now.run, 'e1', entry, 'default');
    expect(quick).toBeDefined();
    expect(quick).toEqual(await planSourceOperation(full.run, 'e1', entry, 'default'));
    expect(now.recorded.sort()).toEqual(full.recorded.sort());
  });

  it.each([
    { name: 'a link not prefetched', mapping: ldapToManaged, prefetched: false, links: { e1: 'u1' } },
    { name: 'a sourceCondition', mapping: { ...ldapToManaged, sourceCondition: filter('/source/uid pr') } },
    {
      name: 'a correlation query to run',
      mapping: {
        ...ldapToManaged,
        correlation: {
          kind: 'query' as const,
          byQualifier: new Map([
            [
              'default',
              { type: 'text/javascript' as const, source: 'correlate', globals: {}, extra: {}, where: 'q' },
            ],
          ]),
        },
      },
    },
    {
      name: 'a policy with a condition',
      mapping: {
        ...ldapToManaged,
        policies: [
          {
            situation: 'ABSENT' as const,
            action: 'CREATE' as const,
            condition: filter('/object/uid pr'),
            where: 'p',
          },
        ],
      },
    },
  ])('leaves an entry with $name to the full path, recording nothing', ({ mapping, prefetched, links }) => {
    const { run, recorded } = reconRun(mapping, {
      links: links ?? {},
      targets: ['u1'],
      ...(prefetched === undefined ? {} : { prefetched }),
    });
    expect(planSourceOperationNow(run, 'e1', entry, 'default')).toBeUndefined();
    expect(recorded).toEqual([]);
  });
});
