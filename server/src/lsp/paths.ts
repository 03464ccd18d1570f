/**
 * Where the extension's own files are, found from the server's location: the bundle runs from
 * `dist/`, so the package root is `dist/..` (the compiled `out/server/src/lsp` also finds it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToUri } from './uri';

function findPackageRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'docs'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.dirname(start);
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const docsCache = new Map<string, string | null>();

/** The `file:` URI of a rule's bundled docs page, or undefined when the page does not exist. */
export function ruleDocsUri(ruleId: string): string | undefined {
  if (!RULE_ID.test(ruleId)) return undefined;
  let hit = docsCache.get(ruleId);
  if (hit === undefined) {
    const file = path.join(PACKAGE_ROOT, 'docs', 'rules', `${ruleId}.md`);
    hit = fs.existsSync(file) ? pathToUri(file) : null;
    docsCache.set(ruleId, hit);
  }
  return hit ?? undefined;
}

let version: string | undefined;

export function serverVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
