#!/usr/bin/env -S node --max-semi-space-size=64 --v8-pool-size=1
// Node flags for Concord, in the line above only (npm start, the quick start and the benchmarks take them from here):
// --max-semi-space-size=64: a larger young generation halves GC time when streaming directory entries (bench:ldap).
// --v8-pool-size=1: one V8 helper thread rather than four. On the 2-core machines Concord is measured on, the
//   helpers' concurrent marking took both cores from PostgreSQL and slapd for ~70 ms at every major GC, which made
//   the slowest 1% of implicit syncs (bench:sync (a) p99 26–56 ms → 17–23 ms; recon throughput unchanged). On a
//   host with more cores, more helpers pay off: run `node --max-semi-space-size=64 bin/concord.js` with your own.
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
