// `npm run bench`: every benchmark, each against its peer measured in the same run; every one runs
// even when an earlier one misses its target, and the exit status is 1 when any target was missed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = ['squawk.mjs', 'engine.mjs', 'scale.mjs', 'lsp.mjs', 'verify.mjs'];
const missed = [];
for (const b of benches) {
  console.log(`\n=== bench/${b}`);
  const r = spawnSync(process.execPath, [path.join(here, b), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) missed.push(`${b} (exit ${r.status ?? r.signal})`);
}
console.log(missed.length === 0 ? '\nbench: every target met' : `\nbench: targets missed in ${missed.join(', ')}`);
process.exit(missed.length === 0 ? 0 : 1);
