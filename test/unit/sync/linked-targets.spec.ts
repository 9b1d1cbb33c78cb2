import { LinkedTargets, type LinkedTargetRows } from '../../../src/sync/linked-targets';
import { ReconTargets } from '../../../src/sync/recon-targets';

/**
 * Links as the prefetch found them (target id and version; null: the target was gone), then links the run
 * wrote; `forget` drops a target's key as LinkAccess does when a link is removed or re-pointed.
 */
function linkRows(prefetched: readonly (readonly [string, string | null])[]) {
  const rows: (readonly [string, string | null])[] = [...prefetched];
  const current = new Map(rows.map(([id], row) => [id, row]));
  const view: LinkedTargetRows = {
    prefetchedRows: prefetched.length,
    rowOfTarget: (key) => current.get(key) ?? -1,
    hasTargetAt: (row) => row < prefetched.length && rows[row]?.[1] !== null,
    targetVersionAt: (row) => (row < prefetched.length ? (rows[row]?.[1] ?? null) : null),
    targetVersionCodesAt: (row, into) => {
      const version = row < prefetched.length ? (rows[row]?.[1] ?? '') : '';
      if (version.length > into.length) return -1;
      for (let i = 0; i < version.length; i++) into[i] = version.charCodeAt(i);
      return version.length;
    },
    targetIdAt: (row) => rows[row]?.[0] as string,
  };
  return {
    view,
    forget: (id: string) => current.delete(id),
    write: (id: string) => current.set(id, rows.push([id, null]) - 1),
  };
}

function unlinked(...ids: string[]): ReconTargets {
  const targets = new ReconTargets();
  for (const id of ids) targets.add(id, id, `v-${id}`);
  return targets;
}

describe('LinkedTargets: a target set known by the links that point at it', () => {
  it('holds the linked targets there were and the unlinked ones, with their versions', () => {
    const { view } = linkRows([
      ['t1', '1.10'],
      ['gone', null],
    ]);
    const targets = new LinkedTargets(view, unlinked('u1'), 1);
    expect(targets.size).toBe(2);
    expect([targets.has('t1'), targets.has('gone'), targets.has('u1'), targets.has('nobody')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([targets.versionOf('t1'), targets.versionOf('u1'), targets.versionOf('gone')]).toEqual([
      '1.10',
      'v-u1',
      null,
    ]);
    expect(targets.versionAt(targets.rowOfLinked(0))).toBe('1.10');
  });

  it('visits in the target phase the targets no source claimed, linked ones first', () => {
    const { view } = linkRows([
      ['t1', '1'],
      ['t2', '1'],
      ['t3', '1'],
      ['gone', null],
    ]);
    const targets = new LinkedTargets(view, unlinked('u1', 'u2'), 3);
    targets.claimRow(targets.rowOfLinked(1));
    targets.claim('u2');
    expect([...targets.unclaimed()]).toEqual(['t1', 't3', 'u1']);
  });

  it('skips a target claimed after the run forgot its link, or claimed under a link the run wrote', () => {
    const rows = linkRows([
      ['t1', '1'],
      ['t2', '1'],
      ['t3', '1'],
    ]);
    const targets = new LinkedTargets(rows.view, unlinked('u1'), 3);
    rows.forget('t1');
    targets.claim('t1');
    rows.forget('t2');
    rows.write('t2');
    targets.claim('t2');
    // Correlation linked an unlinked target during the run: it was among the targets when the run began.
    rows.write('u1');
    targets.claim('u1');
    expect([...targets.unclaimed()]).toEqual(['t3']);
  });
});
