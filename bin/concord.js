#!/usr/bin/env -S node --max-semi-space-size=64 --min-semi-space-size=64 --heap-growing-percent=100 --no-memory-reducer
// Node flags for Concord, in the line above only (npm start, the quick start and the benchmarks take them from here):
// --max-semi-space-size=64: a larger young generation halves GC time when streaming directory entries (bench:ldap).
// --min-semi-space-size=64 --heap-growing-percent=100: that young generation from the start (at 200 PUT/s a scavenge
// every ~1.3 s instead of 3 a second, so a request's objects die young instead of reaching the old generation), and
// the old generation may double before its next full GC: full GCs had come every 5–15 s and held a third to a half of
// implicit sync's slowest 1% of PUTs (bench:sync (a), docs/benchmarks.md). An unchanged 100k recon peaks ~78 MiB
// higher for it, a first one lower.
// --no-memory-reducer: with full GCs that rare, V8's memory reducer forced one ("Mark-Compact (reduce)", its four
// helper threads on both cores for ~150 ms) 100 s after the last, under load or not: a burst of 30–50 slow PUTs every
// 100 s in bench:sync (a) on a slower 2-core machine. A server's heap shrinks at its next full GC instead.
// Not here, measured before the two flags above (docs/benchmarks.md): --v8-pool-size=1 halved implicit sync's p99
// on 2 cores (V8's helper threads no longer took both cores at every major GC) but let a 300k-entry recon's peak RSS
// grow 1.25–1.35× its 100k figure instead of 1.17×; add it to the line above to choose it.
// The `concord` command: runs the compiled CLI (npm run build writes dist/).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'concord.cli.js');
if (!fs.existsSync(cli)) {
  console.error('Concord is not built yet: run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
