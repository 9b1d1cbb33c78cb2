/**
 * Preloaded into the Concord process by bench:sync (`--require`, with BENCH_SYNC_GAPS=1): appends to the file
 * named by CONCORD_BENCH_GAPS_FILE every gap of its event loop longer than GAP_MS (a 2 ms timer that fired late),
 * as `<epoch ms when the gap began> <length ms>` lines, so a benchmark can tell its slow requests that waited
 * on Concord's own thread (a GC pause, a long task) from those that waited elsewhere.
 */
import { appendFileSync } from 'node:fs';

const GAP_MS = 15;
const file = process.env.CONCORD_BENCH_GAPS_FILE;

if (file !== undefined && file !== '') {
  let last = Date.now();
  setInterval(() => {
    const now = Date.now();
    if (now - last > GAP_MS) appendFileSync(file, `${last} ${now - last}\n`);
    last = now;
  }, 2).unref();
}
