import type { AuditEvent, AuditStore } from '../../../src/sync/ports/audit.store';
import type { AgreedEntries, ReconEntryEvent, ReconRunStore } from '../../../src/sync/ports/recon-run.store';
import type { ReconAuditContext } from '../../../src/sync/recon-audit';
import { ReconJournal } from '../../../src/sync/recon-journal';
import type { SyncOutcome } from '../../../src/sync/sync-run';

/**
 * Stores standing in for PostgreSQL: each append is held until the test releases it, so that the test sees
 * how many batches the journal writes at once and what it does while they are under way.
 */
class HeldStores {
  readonly written: AuditEvent[] = [];
  readonly entries: ReconEntryEvent[] = [];
  readonly agreed: AgreedEntries[] = [];
  readonly held: (() => void)[] = [];
  inFlight = 0;
  mostInFlight = 0;
  failNext = false;

  readonly audit = {
    append: (_topic: string, events: readonly AuditEvent[]) =>
      this.hold(() => {
        this.written.push(...events);
      }),
  } as unknown as AuditStore;

  readonly runs = {
    appendEntries: (entries: readonly ReconEntryEvent[]) =>
      this.hold(() => {
        this.entries.push(...entries);
      }),
    appendAgreed: (batch: AgreedEntries) =>
      this.hold(() => {
        this.agreed.push(batch);
      }),
  } as unknown as ReconRunStore;

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  private hold(write: () => void): Promise<void> {
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    const failing = this.failNext;
    this.failNext = false;
    return new Promise((resolve, reject) => {
      this.held.push(() => {
        this.inFlight -= 1;
        if (failing) return reject(new Error('database gone'));
        write();
        resolve();
      });
    });
  }
}

const event = (n: number): AuditEvent => ({
  _id: `e-${n}`,
  timestamp: '2026-11-30T00:00:00.000Z',
  eventName: 'recon',
});
const entry = (n: number): ReconEntryEvent => ({
  ...event(n),
  entryType: 'entry',
  reconId: 'r',
  entryDiff: null,
  entryAmbiguousTargets: [],
});
let counter = 0;
const CONTEXT: ReconAuditContext = {
  reconId: 'r',
  reconAction: 'recon',
  mapping: 'systemLdapAccounts_managedUser',
  sourceSet: 'system/ldap/account',
  targetSet: 'managed/user',
  userId: 'openidm-admin',
  eventId: () => `a-${String(++counter).padStart(4, '0')}`,
};
const agreed = (n: number, linkQualifier = 'default'): SyncOutcome => ({
  phase: 'source',
  linkQualifier,
  situation: 'CONFIRMED',
  action: 'UPDATE',
  status: 'SUCCESS',
  sourceId: `s${n}`,
  targetId: `t${n}`,
  ambiguousTargetIds: [],
  message: null,
  diff: [],
  linkExisted: true,
  linkCreated: false,
  claimed: [],
});
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ReconJournal', () => {
  it('writes every event and entry once, two batches at a time, and holds the run back past four waiting', async () => {
    const stores = new HeldStores();
    const journal = new ReconJournal(stores.audit, stores.runs, CONTEXT);
    journal.add(event(-1));
    for (let n = 0; n < 3_200; n++) journal.addEntry(entry(n));
    await settle();
    // Six full batches handed over, two being written (the first with the start event beside its entries).
    expect(stores.inFlight).toBe(3);
    let heldBack = true;
    const backlog = journal.backlog().then(() => (heldBack = false));
    await settle();
    expect(heldBack).toBe(true);
    while (stores.held.length > 0) {
      stores.releaseAll();
      await settle();
    }
    await backlog;
    const closed = journal.close();
    await settle();
    stores.releaseAll();
    await closed;
    expect(stores.mostInFlight).toBe(3);
    expect(stores.written.map((e) => e._id)).toEqual(['e--1']);
    expect(stores.entries.map((e) => e._id).sort()).toEqual(
      Array.from({ length: 3_200 }, (_, n) => `e-${n}`).sort(),
    );
  });

  it('waits for the stalled lane when the other is idle, without spinning (the event loop keeps turning)', async () => {
    const stores = new HeldStores();
    const journal = new ReconJournal(stores.audit, stores.runs, CONTEXT);
    let n = 0;
    // Ten batches: lane one writes each at once, lane zero is stuck on its first and queues the others.
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 500; i++) journal.addEntry(entry(n++));
      await settle();
      for (const release of stores.held.splice(1)) release();
      await settle();
    }
    let heldBack = true;
    const backlog = journal.backlog().then(() => (heldBack = false));
    for (let turn = 0; turn < 5; turn++) await settle();
    expect(heldBack).toBe(true);
    while (stores.held.length > 0) {
      stores.releaseAll();
      await settle();
    }
    await backlog;
    expect(heldBack).toBe(false);
    await journal.close();
    expect(stores.entries).toHaveLength(5_000);
  });

  it('ends with the failure of any batch, so the run ends FAILED instead of losing its audit trail', async () => {
    const stores = new HeldStores();
    const journal = new ReconJournal(stores.audit, stores.runs, CONTEXT);
    stores.failNext = true;
    for (let n = 0; n < 600; n++) journal.addEntry(entry(n));
    const closed = expect(journal.close()).rejects.toThrow('database gone');
    for (let round = 0; round < 5; round++) {
      await settle();
      stores.releaseAll();
    }
    await closed;
  });

  it('keeps entries in agreement as columns, a batch per link qualifier, each entry with its own id and ids', async () => {
    const stores = new HeldStores();
    const journal = new ReconJournal(stores.audit, stores.runs, CONTEXT);
    counter = 0;
    for (let n = 0; n < 700; n++) journal.addAgreed('2026-12-03T09:00:00.000Z', agreed(n));
    journal.addAgreed('2026-12-03T09:00:00.001Z', agreed(700, 'manager'));
    journal.addAgreed('2026-12-03T09:00:00.001Z', agreed(701));
    const closed = journal.close();
    for (let round = 0; round < 5; round++) {
      await settle();
      stores.releaseAll();
    }
    await closed;
    expect(stores.agreed.map((batch) => [batch.first['linkQualifier'], batch.ids.length])).toEqual([
      ['default', 500],
      ['default', 200],
      ['manager', 1],
      ['default', 1],
    ]);
    const ids = stores.agreed.flatMap((batch) => batch.ids);
    expect(ids).toEqual(Array.from({ length: 702 }, (_, n) => `a-${String(n + 1).padStart(4, '0')}`));
    const [first, second] = stores.agreed as [AgreedEntries, AgreedEntries];
    expect(first.first).toMatchObject({
      _id: 'a-0001',
      situation: 'CONFIRMED',
      action: 'UPDATE',
      sourceObjectId: 'system/ldap/account/s0',
      targetObjectId: 'managed/user/t0',
    });
    expect([second.sourceIds[199], second.targetIds[199], second.timestamps[199]]).toEqual([
      's699',
      't699',
      '2026-12-03T09:00:00.000Z',
    ]);
  });
});
