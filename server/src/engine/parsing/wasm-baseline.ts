/**
 * Imported first by the CLI and the language server: V8 compiles the SQL parser's WebAssembly with its
 * baseline compiler only. libpg-query starts compiling its module when it is first loaded (by the
 * imports after this one); by default V8 also optimizes it, which costs more than it saves:
 * - CLI: a `check` of one file took 0.36-0.43 s and takes 0.19-0.24 s; the corpus's 2,437 files
 *   4.9-5.0 s and 4.1-4.6 s (8.5-8.9 and 7.1-8.0 s of CPU);
 * - language server: spawn to first diagnostics about 217 ms instead of 296 ms, keystrokes unchanged
 *   (bench/lsp.mjs, same run).
 * The flag is process-wide (check's worker threads load this file too) and is put back once the parser
 * is loaded (`parserCompiled`), so other WebAssembly compiles as it always does.
 */
import * as v8 from 'node:v8';

let set = false;
try {
  v8.setFlagsFromString('--liftoff-only');
  set = true;
} catch {
  // A V8 without the flag compiles as it always does.
}

export function parserCompiled(): void {
  if (!set) return;
  set = false;
  v8.setFlagsFromString('--no-liftoff-only');
}
