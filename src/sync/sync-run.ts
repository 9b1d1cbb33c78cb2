import type { MaybePromise } from '../core/maybe-promise';
import type { ActionDecision } from '../core/sync/policy';
import type { JsonObject } from '../core/sync/script';
import type { Action } from '../core/sync/action';
import type { LinkRecord } from '../core/sync/link';
import type { Situation } from '../core/sync/situation';
import type { Mapping } from '../core/sync/sync-config.types';
import type { FieldChange } from '../core/sync/target-plan';
import type { SqlExecutor } from '../persistence/sql-database';
import type { SeenObject } from '../sync-queue/change-processor.port';
import type { ScriptRunner } from '../scripting/script-runner';
import type { LinkAccess } from './link-access';
import type { ObjectSet } from './object-sets';
import type { UnchangedEntries } from './unchanged-entries';

/**
 * Everything one sync operation needs besides its identity: the mapping, both object sets, the scripts,
 * the links, and, inside a recon, what the run already knows (target ids, empty-target shortcut).
 * One per recon run, or per implicit/live sync call.
 */
export interface SyncRun {
  readonly mapping: Mapping;
  readonly source: ObjectSet;
  readonly target: ObjectSet;
  readonly scripts: ScriptRunner;
  readonly links: LinkAccess;
  /** The recon id, or null outside a recon. */
  readonly reconId: string | null;
  /** Dry run: assess and plan, write nothing to either side and no links. */
  readonly analyze: boolean;
  /**
   * The target ids queried at the start of a recon (normalised), for "does the linked target exist"
   * without a read (§2.2); undefined outside a recon or without a target phase.
   */
  readonly targetIds?: { has(id: string): boolean };
  /** The recon's target set was empty at the start: correlation is skipped (§12.2 #8). */
  readonly targetSetKnownEmpty: boolean;
  /** Recon with a delete threshold: DELETE and UNLINK are handed back as deferred instead of done. */
  readonly deferDestructive: boolean;
  /** Adds a sample to the run's `durationSummary` metric `name`. */
  readonly record: (name: string, ms: number) => void;
  /**
   * Runs `work` in one database transaction (recon's CREATE batches: targets and links commit together);
   * undefined where writes are one at a time.
   */
  readonly transaction?: <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
  /** A recon whose mapping takes the unchanged-stamp shortcut (core/sync/unchanged-stamp.ts). */
  readonly unchanged?: UnchangedEntries;
  /** A target as the writer of this change read it, taken instead of a read of it (SeenObject). */
  readonly seenTarget?: SeenObject;
  /**
   * Another mapping brings changes of the target set back (bidirectional): an edit made there is data on its way
   * back, which an implicit sync writes over only where the change it syncs changed something (previousTarget).
   */
  readonly targetFlowsBack?: boolean;
  /**
   * The target read may be answered from the target system's memory of its own last write (ReadOptions.lastWritten:
   * implicit and live sync, whose next change of an entry usually follows Concord's last write of it). Such a
   * target is checked by the write, and read again before the engine concludes that nothing is to be written;
   * when it no longer holds (StaleReadError) the operation runs again from fresh reads (sync.operation.ts).
   */
  readonly rememberedTargets?: boolean;
}

/**
 * The target `id`: as the change's writer saw it when it did (SeenObject), else as a read finds it now (or, in a
 * run with `rememberedTargets`, as the target system last wrote it).
 */
export function readTarget(run: SyncRun, id: string): Promise<JsonObject | null> {
  const seen = run.seenTarget;
  if (seen !== undefined && seen.id === id) return Promise.resolve(seen.object);
  return run.rememberedTargets === true ? run.target.read(id, { lastWritten: true }) : run.target.read(id);
}

/** What an assessment concluded and the decision for it: everything `executeAction` needs. */
export interface PlannedOperation {
  readonly phase: 'source' | 'target';
  readonly linkQualifier: string;
  readonly situation: Situation;
  readonly decision: ActionDecision;
  readonly sourceId: string | null;
  readonly source: JsonObject | null;
  readonly oldSource?: JsonObject | null;
  readonly targetId: string | null;
  /** The target object when already loaded (correlation result, read for validTarget). */
  readonly target: JsonObject | null;
  /** The link of this source (source phase) or target (target phase) before the action. */
  readonly link: LinkRecord | null;
  readonly ambiguousTargetIds: readonly string[];
}

/** The result of one operation (one entry, one link qualifier), as audit, entries and the summary see it. */
export interface SyncOutcome {
  readonly phase: 'source' | 'target';
  readonly linkQualifier: string;
  readonly situation: Situation | null;
  readonly action: Action | null;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly sourceId: string | null;
  /** After the action: for CREATE the new object's id. */
  readonly targetId: string | null;
  readonly ambiguousTargetIds: readonly string[];
  readonly message: string | null;
  /** CREATE/UPDATE: the property-level change (planned in a dry run, made otherwise). */
  readonly diff: readonly FieldChange[] | null;
  readonly linkExisted: boolean;
  readonly linkCreated: boolean;
  /** Target ids the recon target phase must skip (linked, correlated or ambiguous candidates). */
  readonly claimed: readonly string[];
  /** Set when the action was DELETE/UNLINK in a run that defers them: execute it later. */
  readonly deferred?: PlannedOperation;
  readonly exception?: string;
}

/** Measures `work` into the run's duration metric `name`. */
export async function timed<T>(run: SyncRun, name: string, work: () => Promise<T>): Promise<T> {
  return timedNowOrLater(run, name, work);
}

/** `timed` for work that answers at once or with a promise: no promise of its own when the work makes none. */
export function timedNowOrLater<T>(run: SyncRun, name: string, work: () => MaybePromise<T>): MaybePromise<T> {
  const start = performance.now();
  const done = (): void => run.record(name, performance.now() - start);
  let answer: MaybePromise<T>;
  try {
    answer = work();
  } catch (error) {
    done();
    throw error;
  }
  if (!(answer instanceof Promise)) {
    done();
    return answer;
  }
  return answer.finally(done);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function failedOutcome(
  phase: 'source' | 'target',
  linkQualifier: string,
  ids: { sourceId: string | null; targetId: string | null },
  error: unknown,
  plan?: PlannedOperation,
): SyncOutcome {
  return {
    phase,
    linkQualifier,
    situation: plan?.situation ?? null,
    action: plan?.decision.action ?? null,
    status: 'FAILURE',
    sourceId: ids.sourceId,
    targetId: ids.targetId,
    ambiguousTargetIds: plan?.ambiguousTargetIds ?? [],
    message: errorMessage(error),
    diff: null,
    linkExisted: plan?.link != null,
    linkCreated: false,
    claimed: [],
    ...(error instanceof Error && error.stack !== undefined ? { exception: error.stack } : {}),
  };
}
