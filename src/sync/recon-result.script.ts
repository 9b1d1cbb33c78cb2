import type { Mapping } from '../core/sync/sync-config.types';
import { SUMMARY_SITUATIONS } from '../core/sync/situation';
import type { ScriptRunner } from '../scripting/script-runner';
import type { ReconProgress } from './recon-progress';

/**
 * The mapping's `result` script, once at the end of a run, with OpenIDM's variables: `source` and `target`
 * phase statistics and `global` (§1.2). Concord's phase maps carry the counts per situation (not the id
 * lists OpenIDM collects, which would hold every id of a large run in memory).
 */
export async function runResultScript(
  scripts: ScriptRunner,
  mapping: Mapping,
  progress: ReconProgress,
): Promise<void> {
  const script = mapping.hooks.result;
  if (script === undefined) return;
  const situations: Record<string, { count: number; ids: string[] }> = {};
  for (const situation of SUMMARY_SITUATIONS) {
    situations[situation] = { count: progress.counters.situations[situation], ids: [] };
  }
  const startTime = progress.startedAt === null ? null : new Date(progress.startedAt).toISOString();
  const phase = (name: string, processed: number) => ({
    name,
    startTime,
    processed,
    entries: processed,
    ...situations,
  });
  await scripts.evaluate(script, {
    source: phase('source', progress.counters.source.processed),
    target: phase('target', progress.counters.target.processed),
    global: {
      startTime,
      endTime: new Date().toISOString(),
      reconId: progress.reconId,
      mappingName: progress.mapping,
    },
  });
}

/** The mapping's `onRecon` script, once at the start of a run (variables `context`, `mappingConfig`). */
export async function runOnReconScript(
  scripts: ScriptRunner,
  mapping: Mapping,
  reconId: string,
): Promise<void> {
  if (mapping.hooks.onRecon === undefined) return;
  await scripts.evaluate(mapping.hooks.onRecon, { context: { reconId }, mappingConfig: mapping.raw });
}
