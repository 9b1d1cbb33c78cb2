import type { PreparedCreate } from '../managed/managed-bulk.service';
import type { JsonObject } from '../core/sync/script';
import type { SqlExecutor } from '../persistence/sql-database';
import type { WriteOrigin } from '../sync-queue/managed-change.recorder';
import { createdOutcomeNowOrLater, writeCreate } from './action.executor';
import { mapCreateNowOrLater, type MappedCreate } from './target-mapping';
import { forEachConcurrently } from './async-pool';
import type { LinkWrites } from './link-access';
import type { BulkCreates } from './object-sets';
import type { ClaimedPlan } from './sync.operation';
import { failedOutcome, timed, type PlannedOperation, type SyncOutcome, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

interface ReadyCreate extends ClaimedPlan {
  readonly mapped: MappedCreate;
  readonly prepared: PreparedCreate;
}

/**
 * Whether a run's CREATEs can be written in batches: a target set that takes them (managed objects), a
 * transaction to put targets and links in, and no onLink script (it runs between a target's insert and its
 * link's, which a batch does not have). A dry run writes nothing, so it has nothing to batch.
 */
export function canBatchCreates(
  run: SyncRun,
): run is SyncRun & { transaction: NonNullable<SyncRun['transaction']> } {
  return (
    !run.analyze &&
    run.target.bulk !== undefined &&
    run.transaction !== undefined &&
    run.mapping.hooks.onLink === undefined
  );
}

/**
 * The CREATEs of one recon chunk. Per entry, as before: property mapping, defaultMapping and onCreate (in
 * `taskThreads` slots, stopping at a cancel), then the target set's checks (defaults, policies, encryption)
 * — a failure there is that entry's FAILURE. Then one transaction: every target in one multi-row INSERT,
 * every new link in another, re-pointed links (MISSING → CREATE) updated. Then per entry postMapping and
 * postAction. If the transaction fails (a unique value taken, an id that exists), nothing of it stays and
 * the entries are written one by one, so that the failure lands on the entry that caused it and the others
 * are created; the scripts do not run twice.
 */
export async function createInBatch(
  run: SyncRun & { transaction: NonNullable<SyncRun['transaction']> },
  plans: readonly ClaimedPlan[],
  shouldStop: () => boolean,
  breathe: () => Promise<void> | undefined,
): Promise<SyncOutcome[]> {
  const bulk = run.target.bulk as BulkCreates;
  const outcomes: SyncOutcome[] = [];
  const ready: ReadyCreate[] = [];
  // Per entry without a promise where its scripts answer at once (mapCreateNowOrLater): one entry's mapping
  // made a dozen promises, each visited by the async hooks.
  await forEachConcurrently(
    plans,
    run.mapping.taskThreads,
    ({ plan, claimed }) => {
      const failed = (error: unknown): void => {
        outcomes.push({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
      };
      const mappedNow = (mapped: MappedCreate): void => {
        const requestedId = typeof mapped.target['_id'] === 'string' ? mapped.target['_id'] : undefined;
        const prepared = bulk.prepare(requestedId, mapped.target);
        ready.push({ plan, claimed, mapped, prepared: copyWith(prepared, { origin: originOf(run, plan) }) });
      };
      try {
        const mapping = mapCreateNowOrLater(run, plan);
        if (mapping instanceof Promise) return mapping.then(mappedNow).catch(failed).then(breathe);
        mappedNow(mapping);
      } catch (error) {
        failed(error);
      }
      return breathe();
    },
    shouldStop,
  );
  if (ready.length === 0) return outcomes;
  let written: { created: JsonObject[]; links: LinkWrites } | null = null;
  try {
    written = await timed(run, 'createTargetObject', () =>
      run.transaction((tx) => writeBatch(run, bulk, ready, tx)),
    );
  } catch {
    // Which row broke the batch is not known: each entry on its own says (below).
  }
  if (written === null) {
    await forEachConcurrently(ready, run.mapping.taskThreads, async ({ plan, claimed, mapped }) => {
      try {
        outcomes.push(copyWith(await writeCreate(run, plan, mapped), { claimed }));
      } catch (error) {
        outcomes.push({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
      }
    });
    return outcomes;
  }
  run.links.committed(written.links);
  // Every new link of the batch was inserted, or none was (linking disabled).
  const linksMade = written.links.created.length > 0;
  const { created } = written;
  await forEachConcurrently(ready.keys(), run.mapping.taskThreads, (index) => {
    const { plan, claimed, mapped } = ready[index] as ReadyCreate;
    const object = created[index] as JsonObject;
    const targetId = String(object['_id']);
    const withTarget: PlannedOperation = copyWith(plan, { target: object, targetId });
    const linkCreated = plan.link === null && linksMade;
    const done = (outcome: SyncOutcome): void => void outcomes.push(copyWith(outcome, { claimed }));
    const failed = (error: unknown): void => {
      outcomes.push({ ...failedOutcome('source', plan.linkQualifier, withTarget, error, plan), claimed });
    };
    try {
      const effect = { targetId, diff: mapped.diff, linkCreated, message: null };
      const outcome = createdOutcomeNowOrLater(run, plan, withTarget, effect);
      if (outcome instanceof Promise) return outcome.then(done, failed);
      done(outcome);
    } catch (error) {
      failed(error);
    }
    return undefined;
  });
  return outcomes;
}

/**
 * Where a new or updated target comes from, for the implicit sync of its write: the source entry this run just
 * read and the link it is about to write (or has). With them the reverse mapping's implicit sync is decided
 * without reading the source system again, and a write it would leave as it is needs no queued change
 * (OpenIDM's pending LINK, §5.4; src/core/sync/pending-link-echo.ts).
 */
export function originOf(run: SyncRun, plan: PlannedOperation): WriteOrigin {
  return {
    mapping: run.mapping.name,
    linkQualifier: plan.linkQualifier,
    sourceId: plan.sourceId as string,
    source: plan.source as JsonObject,
  };
}

/**
 * The batch's writes, all in `tx`: the targets with the record of their changes for implicit sync (those
 * whose implicit sync would change something; ManagedBulkService.insertPrepared), then the links.
 */
async function writeBatch(
  run: SyncRun,
  bulk: BulkCreates,
  ready: readonly ReadyCreate[],
  tx: SqlExecutor,
): Promise<{ created: JsonObject[]; links: LinkWrites }> {
  const created = await bulk.insert(
    ready.map((entry) => entry.prepared),
    tx,
  );
  const fresh: { qualifier: string; sourceId: string; targetId: string; stamp: string | null }[] = [];
  const moved: { link: NonNullable<PlannedOperation['link']>; sourceId: string; targetId: string }[] = [];
  // The new links carry the unchanged stamp of what they join (unchanged-entries.ts), in the same INSERT.
  const { unchanged } = run;
  const versions = unchanged === undefined ? undefined : run.target.versions;
  ready.forEach(({ plan }, index) => {
    const object = created[index] as JsonObject;
    const targetId = String(object['_id']);
    const sourceId = plan.sourceId as string;
    const version = versions?.ofCreated(object);
    const stamp =
      version === undefined ? null : (unchanged?.createdStamp(plan.source, object, version) ?? null);
    if (plan.link === null) fresh.push({ qualifier: plan.linkQualifier, sourceId, targetId, stamp });
    else moved.push({ link: plan.link, sourceId, targetId });
  });
  const links = await timed(run, 'linkQuery', () => run.links.writeIn(tx, fresh, moved));
  return { created, links };
}
