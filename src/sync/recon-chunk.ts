import { setImmediate as nextTurn } from 'node:timers/promises';
import { executeAction } from './action.executor';
import { forEachConcurrently } from './async-pool';
import { canBatchCreates, createInBatch } from './recon-batch-create';
import { canBatchUpdates, updateInBatch } from './recon-batch-update';
import type { JsonObject } from '../core/sync/script';
import type { SourceItem } from './recon-source';
import { syncPresentSource, syncPresentSourceNowOrLater, type ClaimedPlan } from './sync.operation';
import { failedOutcome, timed, type SyncOutcome, type SyncRun } from './sync-run';
import { copyWith } from '../core/copy-with';

/** Source entries decided and written together: one read-many, one CREATE batch per chunk. */
export const RECON_CHUNK = 500;
/** Chunks whose writes may be under way while the next chunk is decided. */
const WRITES_IN_FLIGHT = 2;

export interface ChunkContext {
  readonly shouldStop: () => boolean;
  /** Every outcome of the chunk, as it is known. */
  readonly finish: (outcome: SyncOutcome) => void;
  /** Called once per source entry taken up (progress). */
  readonly seen: () => void;
}

/**
 * The recon source phase over a stream of pages of entries, chunk by chunk. A chunk's writes (database round
 * trips) overlap the next chunks' decisions (CPU), at most WRITES_IN_FLIGHT chunks' writes at a time;
 * with taskThreads 1 everything stays one after the other. A cancel stops between entries.
 */
export async function reconcileSource(
  run: SyncRun,
  pages: AsyncIterable<readonly SourceItem[]>,
  ctx: ChunkContext & { readonly backlog: () => Promise<void> },
): Promise<void> {
  const inFlight = run.mapping.taskThreads <= 1 ? 0 : WRITES_IN_FLIGHT;
  const writing: Promise<void>[] = [];
  try {
    for await (const whole of inChunks(pages, RECON_CHUNK)) {
      if (ctx.shouldStop()) break;
      const rest = settleUnchanged(run, whole, ctx);
      const chunk = run.unchanged === undefined ? rest : await run.unchanged.complete(rest);
      // The linked targets are read while the chunk is decided: the database round trip overlaps the CPU work.
      const early = readLinkedTargets(run, chunk);
      const written = writeChunk(run, await decideChunk(run, chunk, ctx), ctx, early);
      written.catch(() => undefined);
      writing.push(written);
      while (writing.length > inFlight) await writing.shift();
      // A database slower than the run holds the run back rather than letting the audit trail queue up.
      await ctx.backlog();
    }
  } finally {
    await Promise.allSettled(writing);
  }
  for (const written of writing) await written;
}

/**
 * The entries of a chunk that nothing touched since their link's stamp get their outcome here, without a
 * target read or a mapping (unchanged-entries.ts); the others are returned to be reconciled in full.
 */
export function settleUnchanged(
  run: SyncRun,
  items: readonly SourceItem[],
  ctx: ChunkContext,
): readonly SourceItem[] {
  const unchanged = run.unchanged;
  if (unchanged === undefined) return items;
  const rest: SourceItem[] = [];
  for (const item of items) {
    if (item.object !== null && unchanged.settle(item.id, item.object, ctx.finish)) ctx.seen();
    else rest.push(item);
  }
  return rest;
}

/**
 * One chunk of the source phase, in two steps the runner may overlap with the next chunk's (`decideChunk`,
 * then `writeChunk`). Gather facts and decide per entry (`taskThreads` at a time, links from the
 * prefetched maps, target existence from the target id set), as `syncPresentSource` always has; every
 * action other than the two below is executed right away, as before. Kept back and written per chunk:
 * UPDATEs whose target is not loaded yet (CONFIRMED), whose targets are read with one read-many, and
 * CREATEs, written in one batch (recon-batch-create.ts); the UPDATEs are written in batches as well where the
 * target set takes them (recon-batch-update.ts). An UPDATE writes only when the mapping changes something.
 */
export async function decideChunk(
  run: SyncRun,
  items: readonly SourceItem[],
  ctx: ChunkContext,
): Promise<ChunkWrites> {
  const creates: ClaimedPlan[] = [];
  const updates: ClaimedPlan[] = [];
  const batchCreates = canBatchCreates(run);
  const readMany = run.target.readMany?.bind(run.target);
  const take = ({ plan, claimed }: ClaimedPlan): boolean => {
    const action = plan.decision.action;
    if (action === 'CREATE' && batchCreates && plan.target === null) creates.push({ plan, claimed });
    else if (action === 'UPDATE' && readMany && plan.target === null && plan.targetId !== null)
      updates.push({ plan, claimed });
    else return false;
    return true;
  };
  const due = turnDue();
  const decided = (outcomes: readonly SyncOutcome[]): Promise<void> | undefined => {
    for (const outcome of outcomes) ctx.finish(outcome);
    return due() ? nextTurn() : undefined;
  };
  await forEachConcurrently(
    items,
    run.mapping.taskThreads,
    (item) => {
      ctx.seen();
      // An entry whose facts are all at hand is planned without a promise (syncPresentSourceNowOrLater).
      if (item.object !== null) {
        const outcomes = syncPresentSourceNowOrLater(run, item.id, item.object, take);
        return outcomes instanceof Promise ? outcomes.then(decided) : decided(outcomes);
      }
      return readAndDecide(run, item.id, take).then(decided);
    },
    ctx.shouldStop,
  );
  return { updates, creates };
}

/** An entry the source query gave by id only: read, then planned. */
async function readAndDecide(
  run: SyncRun,
  sourceId: string,
  take: (planned: ClaimedPlan) => boolean,
): Promise<readonly SyncOutcome[]> {
  const source = await timed(run, 'sourceObjectQuery', () => run.source.read(sourceId));
  if (source === null) {
    const missing = new Error(`Source object ${run.mapping.source}/${sourceId} not found`);
    return [failedOutcome('source', 'default', { sourceId, targetId: null }, missing)];
  }
  return syncPresentSource(run, sourceId, source, undefined, take);
}

/** What a chunk kept back for its batched writes. */
export interface ChunkWrites {
  readonly updates: readonly ClaimedPlan[];
  readonly creates: readonly ClaimedPlan[];
}

/**
 * The targets linked to a chunk's entries, read with one read-many as soon as the chunk is known (links are
 * prefetched, so the ids are known before any decision); null when there is nothing to read this way.
 */
export function readLinkedTargets(run: SyncRun, items: readonly SourceItem[]): Promise<LinkedTargets> | null {
  const readMany = run.target.readMany?.bind(run.target);
  const qualifiers = run.mapping.linkQualifiers;
  if (readMany === undefined || !run.links.prefetched || qualifiers.kind !== 'static') return null;
  const ids = new Set<string>();
  for (const item of items) {
    for (const qualifier of qualifiers.names) {
      const targetId = run.links.prefetchedTargetOf(qualifier, item.id);
      if (targetId !== null) ids.add(targetId);
    }
  }
  if (ids.size === 0) return null;
  const read = timed(run, 'targetObjectQuery', () => readMany([...ids])).then((targets) => ({
    ids,
    targets,
  }));
  // Awaited by writeChunk; a failure surfaces there, not as an unhandled rejection if deciding fails first.
  read.catch(() => undefined);
  return read;
}

/** What `readLinkedTargets` asked for and found. */
export interface LinkedTargets {
  readonly ids: ReadonlySet<string>;
  readonly targets: ReadonlyMap<string, JsonObject>;
}

/** The chunk's read-many and UPDATEs, then its CREATE batch; per-entry failures are outcomes, never thrown. */
export async function writeChunk(
  run: SyncRun,
  writes: ChunkWrites,
  ctx: ChunkContext,
  early: Promise<LinkedTargets> | null = null,
): Promise<void> {
  const { updates, creates } = writes;
  const readMany = run.target.readMany?.bind(run.target);
  const breathe = breather();
  if (updates.length > 0 && readMany !== undefined) {
    const known = early === null ? null : await early;
    const ids = [...new Set(updates.map(({ plan }) => plan.targetId as string))];
    const missing = known === null ? ids : ids.filter((id) => !known.ids.has(id));
    const read = missing.length === 0 ? null : await timed(run, 'targetObjectQuery', () => readMany(missing));
    const targets = { get: (id: string) => known?.targets.get(id) ?? read?.get(id) };
    // A target gone since the target query is read once more by the UPDATE, which then reports it.
    const loaded = updates.map(({ plan, claimed }) => ({
      plan: copyWith(plan, { target: targets.get(plan.targetId as string) ?? null }),
      claimed,
    }));
    if (canBatchUpdates(run)) {
      for (const outcome of await updateInBatch(run, loaded, breathe)) ctx.finish(outcome);
    } else {
      const due = turnDue();
      await forEachConcurrently(loaded, run.mapping.taskThreads, async ({ plan, claimed }) => {
        try {
          ctx.finish(await executeAction(run, plan, claimed));
        } catch (error) {
          ctx.finish({ ...failedOutcome('source', plan.linkQualifier, plan, error, plan), claimed });
        }
        if (due()) await nextTurn();
      });
    }
  }
  if (creates.length > 0 && canBatchCreates(run)) {
    for (const outcome of await createInBatch(run, creates, ctx.shouldStop, breathe)) ctx.finish(outcome);
  }
  await run.unchanged?.flush();
}

/**
 * Deciding and mapping a chunk can be pure CPU (no I/O between entries): give the event loop a turn every
 * ~20 ms so that a cancel request, the progress heartbeat and SSE clients are served during a chunk.
 */
export function breather(everyMs = 20): () => Promise<void> | undefined {
  const due = turnDue(everyMs);
  // undefined when no turn is due: an entry that awaits nothing makes no promise.
  return () => (due() ? nextTurn() : undefined);
}

/** The clock half of `breather`, without a promise per call: true about every `everyMs`. */
export function turnDue(everyMs = 20): () => boolean {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < everyMs) return false;
    last = now;
    return true;
  };
}

/**
 * Regroups a stream of pages into arrays of `size`, reading ahead while the caller works on the group it
 * has (the source query runs while the chunk before is written). Memory: two groups and one page at most.
 */
export async function* inChunks<T>(pages: AsyncIterable<readonly T[]>, size: number): AsyncGenerator<T[]> {
  const iterator = pages[Symbol.asyncIterator]();
  let page: readonly T[] = [];
  let taken = 0;
  let ended = false;
  const fill = async (): Promise<T[]> => {
    const chunk: T[] = [];
    while (chunk.length < size) {
      if (taken < page.length) {
        const end = Math.min(page.length, taken + size - chunk.length);
        for (; taken < end; taken++) chunk.push(page[taken] as T);
        continue;
      }
      if (ended) break;
      const next = await iterator.next();
      if (next.done === true) ended = true;
      else [page, taken] = [next.value, 0];
    }
    return chunk;
  };
  let pending: Promise<T[]> | undefined = fill();
  // A failure of the read-ahead surfaces when the chunk is awaited, not as an unhandled rejection before.
  pending.catch(() => undefined);
  try {
    for (;;) {
      const chunk: T[] = await pending;
      pending = undefined;
      if (chunk.length === 0) return;
      if (chunk.length === size) {
        pending = fill();
        pending.catch(() => undefined);
      }
      yield chunk;
      if (pending === undefined) return;
    }
  } finally {
    // A consumer that stops early (cancel): let the read in flight settle, then close the source query.
    if (pending !== undefined) await pending.catch(() => undefined);
    await iterator.return?.();
  }
}
