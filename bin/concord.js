#!/usr/bin/env -S node --max-semi-space-size=64
// --max-semi-space-size=64: a larger young generation halves GC time when streaming directory entries (bench:ldap).
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
