import type { PreparedUpdate } from '../managed/managed-bulk.service';
import type { JsonObject } from '../core/sync/script';
import {
  agreedUpdate,
  executeAction,
  linkInPlace,
  settledOutcome,
  updatedEffect,
  updatedOutcome,
  writeUpdate,
} from './action.executor';
import { mapUpdate, type MappedUpdate } from './target-mapping';
import { forEachConcurrently } from './async-pool';
import type { BulkUpdates } from './object-sets';
import { originOf } from './recon-batch-create';
import type { ClaimedPlan } from './sync.operation';
import { failedOutcome, timed, type SyncOutcome, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

interface ReadyUpdate extends ClaimedPlan {
  readonly existing: JsonObject;
  readonly mapped: MappedUpdate;
  readonly prepared: PreparedUpdate;
}

/**
 * Whether a run's UPDATEs can be written in batches: a target set that takes them (managed objects) and a
 * transaction to put them in. A dry run writes nothing, so it has nothing to batch.
 */
export function canBatchUpdates(
  run: SyncRun,
): run is SyncRun & { transaction: NonNullable<SyncRun['transaction']> } {
  return !run.analyze && run.target.bulkUpdates !== undefined && run.transaction !== undefined;
}

/**
 * The UPDATEs of one recon chunk whose targets the chunk has read (`plan.target`). Per entry, as before:
 * property mapping, defaultMapping and onUpdate (in `taskThreads` slots), then the target set's checks
 * (policies, encryption) — a failure there is that entry's FAILURE; an entry with nothing to write is done
 * then. The rest in one transaction: every target in multi-row UPDATEs guarded by the revision it was read at,
 * with their activity events and implicit-sync records. Then per entry postMapping and postAction. If the
 * transaction fails (a target changed since it was read, a unique value taken), nothing of it stays and the
 * entries are written one by one, so that the failure lands on the entry that caused it; the scripts do not
 * run twice. An entry whose link must be created or re-pointed first takes the one-entry path whole.
 */
export async function updateInBatch(
  run: SyncRun & { transaction: NonNullable<SyncRun['transaction']> },
  plans: readonly ClaimedPlan[],
  breathe: () => Promise<void> | undefined,
): Promise<SyncOutcome[]> {
  const bulk = run.target.bulkUpdates as BulkUpdates;
  const outcomes: SyncOutcome[] = [];
  const ready: ReadyUpdate[] = [];
  // A target two entries update (through two link qualifiers) is in the batch once; the other entry's write
  // follows it alone, as the second of two single updates would, and finds its revision moved.
  const batched = new Set<string>();
  const after: ReadyUpdate[] = [];
  await forEachConcurrently(plans, run.mapping.taskThreads, async ({ plan, claimed }) => {
    try {
      const targetId = plan.targetId as string;
      const existing = plan.target;
      if (existing === null || plan.source === null || !linkInPlace(run, plan, targetId)) {
        outcomes.push(await executeAction(run, plan, claimed));
        return;
      }
      const mapped = await mapUpdate(run, plan, existing);
      if (mapped === null) {
        outcomes.push(
          await settledOutcome(run, plan, await agreedUpdate(run, plan, existing, false), claimed),
        );
        return;
      }
      const prepared = mapped.changed ? bulk.prepare(existing, mapped.target) : null;
      if (prepared === undefined) {
        outcomes.push(await writeAlone(run, { plan, claimed, existing, mapped }));
      } else if (prepared === null) {
        // Nothing stored would change (a private or sealed value that is the same): no write, as update's.
        const effect = updatedEffect(targetId, mapped, false);
        outcomes.push(await updatedOutcome(run, plan, existing, effect, claimed));
      } else {
        const entry = {
          plan,
          claimed,
          existing,
          mapped,
          prepared: copyWith(prepared, { origin: originOf(run, plan) }),
        };
        if (batched.has(targetId)) after.push(entry);
        else {
          batched.add(targetId);
          ready.push(entry);
        }
      }
    } catch (error) {
      outcomes.push({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
    }
    const turn = breathe();
    if (turn !== undefined) await turn;
  });
  if (ready.length > 0) await writeBatch(run, bulk, ready, outcomes);
  for (const entry of after) outcomes.push(await writeAlone(run, entry));
  return outcomes;
}

/** The ready entries in one transaction, or one by one if it fails; their outcomes added to `outcomes`. */
async function writeBatch(
  run: SyncRun & { transaction: NonNullable<SyncRun['transaction']> },
  bulk: BulkUpdates,
  ready: readonly ReadyUpdate[],
  outcomes: SyncOutcome[],
): Promise<void> {
  const batch = ready.map((entry) => entry.prepared);
  let written: JsonObject[] | null = null;
  try {
    written = await timed(run, 'updateTargetObject', () => run.transaction((tx) => bulk.update(batch, tx)));
  } catch {
    // Which row broke the batch is not known: each entry on its own says (below).
  }
  if (written === null) {
    await forEachConcurrently(ready, run.mapping.taskThreads, async (entry) => {
      outcomes.push(await writeAlone(run, entry));
    });
    return;
  }
  bulk.committed(batch);
  const stored = written;
  await forEachConcurrently(ready.keys(), run.mapping.taskThreads, async (index) => {
    const { plan, claimed, mapped } = ready[index] as ReadyUpdate;
    const object = stored[index] as JsonObject;
    try {
      const effect = updatedEffect(plan.targetId as string, mapped, false);
      outcomes.push(await updatedOutcome(run, plan, object, effect, claimed));
    } catch (error) {
      outcomes.push({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
    }
  });
}

/**
 * One mapped UPDATE written on its own (writeUpdate), then postMapping, postAction and the outcome; a failure is
 * the entry's FAILURE.
 */
async function writeAlone(
  run: SyncRun,
  { plan, claimed, existing, mapped }: Omit<ReadyUpdate, 'prepared'>,
): Promise<SyncOutcome> {
  const targetId = plan.targetId as string;
  try {
    const written = await writeUpdate(run, targetId, existing, mapped);
    return await updatedOutcome(run, plan, written, updatedEffect(targetId, mapped, false), claimed);
  } catch (error) {
    return { ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed };
  }
}
