/**
 * How a run's slowest 1% is spread in time: scattered (each slow for its own reason) or in a few windows where
 * everything in flight waited (a stall) — and, given Concord's event-loop gaps (event-loop-gaps.ts), which of
 * those windows held a gap of Concord's own thread.
 */
import { existsSync, readFileSync } from 'node:fs';

/** When an operation started (epoch ms) and how long it took (ms). */
export type Timed = readonly [startMs: number, latencyMs: number];

const WINDOW_MS = 100;

export interface Gap {
  readonly startMs: number;
  readonly lengthMs: number;
}

export function readGaps(file: string): Gap[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [start, length] = line.split(' ').map(Number);
      return { startMs: start ?? 0, lengthMs: length ?? 0 };
    });
}

/** One line: the slowest 1%, the windows of WINDOW_MS they fell in, the fullest ones, and the gaps among them. */
export function tailReport(timeline: readonly Timed[], gaps: readonly Gap[] | undefined): string {
  if (timeline.length === 0) return 'no operations';
  const sorted = timeline.map(([, latency]) => latency).sort((a, b) => a - b);
  const threshold = sorted[Math.floor(sorted.length * 0.99)] ?? Infinity;
  const slow = timeline.filter(([, latency]) => latency >= threshold);
  const starts = timeline.map(([start]) => start);
  const first = Math.min(...starts);
  const windows = new Map<number, number>();
  for (const [start] of slow) {
    const window = Math.floor((start - first) / WINDOW_MS);
    windows.set(window, (windows.get(window) ?? 0) + 1);
  }
  const fullest = [...windows.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const describe = fullest.map(
    ([window, count]) => `${count} at +${((window * WINDOW_MS) / 1000).toFixed(1)} s`,
  );
  let line =
    `slowest 1% (${slow.length}, ≥ ${threshold.toFixed(1)} ms) in ${windows.size} windows of ${WINDOW_MS} ms; ` +
    `fullest: ${describe.join(', ')}`;
  if (gaps !== undefined) {
    const end = Math.max(...starts) + WINDOW_MS;
    const during = gaps.filter((gap) => gap.startMs >= first && gap.startMs < end);
    const slowWithGap = slow.filter(([start, latency]) =>
      during.some((gap) => gap.startMs < start + latency && gap.startMs + gap.lengthMs > start),
    ).length;
    line +=
      `; Concord's event loop: ${during.length} gaps over 15 ms (longest ` +
      `${Math.max(0, ...during.map((gap) => gap.lengthMs))} ms), overlapping ${slowWithGap} of the slowest`;
  }
  return line;
}
