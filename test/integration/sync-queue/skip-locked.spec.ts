/**
 * Two nodes working one queue: separate connection pools on the same PostgreSQL schema, each with its own
 * ChangeDelivery, draining 300 changes at once. Leases are taken with FOR UPDATE SKIP LOCKED, so no change may
 * be processed by both, and no two processings of one change may overlap in time.
 */
import { ChangeProcessor } from '../../../src/sync-queue/change-processor.port';
import { ChangeDelivery } from '../../../src/sync-queue/change-delivery.service';
import type { ChangeOutcome, QueuedChange } from '../../../src/sync-queue/queued-change';
import { SyncQueueRepository } from '../../../src/persistence/sync-queue.repository';
import { TypeOrmSqlDatabase } from '../../../src/persistence/typeorm-sql-database';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../sync-persistence/test-database';
import { queueRig, user } from './queue-fixture';

interface Interval {
  readonly node: string;
  readonly objectId: string;
  readonly start: number;
  readonly end: number;
}

class TimedProcessor extends ChangeProcessor {
  constructor(
    private readonly node: string,
    private readonly log: Interval[],
  ) {
    super();
  }
  async process(change: QueuedChange): Promise<ChangeOutcome> {
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.log.push({ node: this.node, objectId: change.objectId, start, end: performance.now() });
    return { status: 'SUCCESS' };
  }
}

let handle: TestDatabase;
let second: TypeOrmSqlDatabase;

beforeAll(async () => {
  handle = await openTestDatabase('postgres');
  const schema = (await handle.db.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]!.schema;
  second = await TypeOrmSqlDatabase.open({ kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 });
});
afterAll(async () => {
  await second.close();
  await handle.destroy();
});

it('never hands one change to two workers at once', async () => {
  const writer = queueRig(handle.db);
  for (let i = 0; i < 300; i++) await writer.managed.create('user', undefined, user(`u${i}`));

  const log: Interval[] = [];
  const nodes = [handle.db, second].map((db, i) => {
    const rig = queueRig(db, { CONCORD_SYNC_BATCH: '7' });
    const delivery = new ChangeDelivery(new SyncQueueRepository(db), rig.config);
    delivery.use(new TimedProcessor(`node${i}`, log));
    return delivery;
  });
  await Promise.all(
    nodes.map(async (delivery) => {
      while ((await delivery.deliverDue()) > 0) {
        // keep draining
      }
    }),
  );

  const byObject = new Map<string, Interval[]>();
  for (const interval of log)
    byObject.set(interval.objectId, [...(byObject.get(interval.objectId) ?? []), interval]);
  expect(byObject.size).toBe(300);
  expect([...byObject.values()].filter((intervals) => intervals.length !== 1)).toEqual([]);
  // Both nodes took part, and while one worked on a change the other never held it.
  expect(new Set(log.map((interval) => interval.node))).toEqual(new Set(['node0', 'node1']));
  const remaining = await handle.db.query('SELECT id FROM sync_queue');
  expect(remaining).toEqual([]);
});
