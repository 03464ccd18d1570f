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

/**
 * Where rule links point when the client says (initializationOptions.ruleDocumentationUri): a URI
 * it handles itself (VS Code: `<scheme>://<extension id>/rule/`), so that a click opens the rendered
 * page; the rule id is appended. Without it, the bundled page's `file:` URI.
 */
let docsBase: string | undefined;

export function setRuleDocsBase(base: unknown): void {
  docsBase = typeof base === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(base) ? base : undefined;
}

/** The link of a rule's docs page (see `setRuleDocsBase`), or undefined when the page does not exist. */
export function ruleDocsUri(ruleId: string): string | undefined {
  if (!RULE_ID.test(ruleId)) return undefined;
  let hit = docsCache.get(ruleId);
  if (hit === undefined) {
    const file = path.join(PACKAGE_ROOT, 'docs', 'rules', `${ruleId}.md`);
    hit = fs.existsSync(file) ? pathToUri(file) : null;
    docsCache.set(ruleId, hit);
  }
  if (hit === null) return undefined;
  return docsBase ? `${docsBase}${ruleId}` : hit;
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
