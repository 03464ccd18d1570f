// The floor under `migration-guard check`'s wall time (used by bench/squawk.mjs): a Node process that
// does nothing but what any tool parsing with libpg-query in Node must do. It starts, loads
// libpg-query with the CLI's compile setting (V8's baseline WebAssembly compiler only, see
// server/src/engine/parsing/wasm-baseline.ts), reads each file and parses it, on as many threads as
// the CLI uses (the main one and one worker per further core, files dealt round-robin). No rule, no
// schema, no output. A design that keeps this parser and runtime cannot check the files faster.
//
// Usage: node bench/parse-floor.cjs <file-list> [threads]   (file-list: one path per line)
'use strict';
const v8 = require('node:v8');
try {
  v8.setFlagsFromString('--liftoff-only');
} catch {
  /* a V8 without the flag compiles as it always does, as the CLI's does */
}
const fs = require('node:fs');
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const pg = require('libpg-query');

function parseAll(files) {
  let parsed = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    try {
      if (text.trim()) pg.parseSync(text);
    } catch {
      /* a syntax error costs the same */
    }
    parsed++;
  }
  return parsed;
}

if (!isMainThread) {
  pg.loadModule().then(() => parentPort.postMessage(parseAll(workerData)));
} else {
  const files = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  const threads = Math.max(1, Number(process.argv[3]) || Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
  const shares = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads].push(f));
  const others = shares.slice(1).map(
    (share) =>
      new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: share });
        w.once('message', (n) => {
          resolve(n);
          void w.terminate();
        });
        w.once('error', reject);
      }),
  );
  pg.loadModule()
    .then(async () => {
      const n = parseAll(shares[0]) + (await Promise.all(others)).reduce((a, b) => a + b, 0);
      if (n !== files.length) throw new Error(`parsed ${n} of ${files.length} files`);
    })
    .catch((e) => {
      console.error(`parse floor: ${e instanceof Error ? e.message : e}`);
      process.exit(2);
    });
}
