import { readFileSync } from 'node:fs';

/** How the kernel scheduled one thread so far (its schedstat and status under /proc). */
export interface ThreadScheduling {
  /** Nanoseconds the thread spent runnable but waiting for a CPU. */
  readonly waitedNs: number;
  /** Times it was switched out while it still had work (preempted), not because it went to sleep. */
  readonly involuntarySwitches: number;
}

/**
 * The scheduling of a process's main thread (the event loop of a Node.js process), or undefined where /proc does
 * not tell (another OS, a kernel without schedstats, a process that has exited).
 */
export function mainThreadScheduling(pid: number | undefined): ThreadScheduling | undefined {
  if (pid === undefined) return undefined;
  try {
    const [, waitedNs] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ');
    const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
    const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1];
    if (waitedNs === undefined || involuntary === undefined) return undefined;
    return { waitedNs: Number(waitedNs), involuntarySwitches: Number(involuntary) };
  } catch {
    return undefined;
  }
}

/** Per operation, between two readings: "waited runnable 0.24 ms, preempted 1.65 times". */
export function formatSchedulingPer(
  before: ThreadScheduling | undefined,
  after: ThreadScheduling | undefined,
  operations: number,
): string {
  if (before === undefined || after === undefined || operations === 0) return 'not readable here';
  const waitedMs = (after.waitedNs - before.waitedNs) / 1e6 / operations;
  const preempted = (after.involuntarySwitches - before.involuntarySwitches) / operations;
  return `waited runnable ${waitedMs.toFixed(2)} ms, preempted ${preempted.toFixed(2)} times`;
}
