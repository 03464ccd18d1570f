/**
 * Which convention each directory of the corpus gets (`../shared/corpus` or the first argument):
 * every directory holding `.sql` files, grouped by repository, with the detected convention.
 *
 *   npx tsc -p . && node out/scripts/conventions-run.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunFileHost } from '../cli/src/check';
import { detectConvention } from '../server/src/engine/migrations/detect';

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const corpus = path.resolve(root, process.argv[2] ?? path.join('..', 'shared', 'corpus'));
  if (!fs.existsSync(corpus)) {
    console.log(`conventions-run: no corpus at ${corpus}`);
    return;
  }
  const host = new RunFileHost();
  const perRepo = new Map<string, Map<string, number>>();
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && /\.sql$/i.test(e.name))) {
      const repo = path.relative(corpus, dir).split(path.sep)[0]!;
      const id = detectConvention(dir, host)?.id ?? 'unknown';
      const counts = perRepo.get(repo) ?? new Map<string, number>();
      counts.set(id, (counts.get(id) ?? 0) + 1);
      perRepo.set(repo, counts);
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name));
  };
  walk(corpus);
  for (const [repo, counts] of [...perRepo].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    console.log(`${repo.padEnd(28)} ${[...counts].map(([id, n]) => `${id} (${n} dir${n === 1 ? '' : 's'})`).join(', ')}`);
  }
}

main();
