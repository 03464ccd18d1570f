/** The `migration-guard` executable: binds `run` to the process. */
// First: the flags the parser's WebAssembly is compiled with, before the imports below load it.
import { parserCompiled } from '../../server/src/engine/parsing/wasm-baseline';
import { isMainThread } from 'node:worker_threads';
import { loadParser } from '../../server/src/engine/parsing/parser';
import { run } from './run';

loadParser().then(parserCompiled, parserCompiled);

// The same file runs `check`'s worker threads (see check.ts); only the main thread is the CLI.
if (isMainThread) main();

function main(): void {
  run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`migration-guard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
