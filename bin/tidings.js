#!/usr/bin/env node
// Thin launcher: the real entry point is compiled by `npm install` (prepare) into dist/.
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  process.stderr.write(`error[internal]: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
