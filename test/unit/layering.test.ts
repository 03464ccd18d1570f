/** The layering the architecture promises: the engine and shared types stay free of editor APIs. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

describe('layering', () => {
  it('the engine imports neither vscode nor vscode-languageserver; shared/ only the protocol types', () => {
    const offenders: string[] = [];
    for (const dir of ['server/src/engine', 'shared/src']) {
      const engine = dir.endsWith('engine');
      for (const file of sources(path.join(ROOT, dir))) {
        for (const spec of imports(file)) {
          const editorApi = spec === 'vscode' || spec.startsWith('vscode-languageclient') ||
            (spec.startsWith('vscode-languageserver') && (engine || spec !== 'vscode-languageserver-protocol'));
          if (editorApi) {
            offenders.push(`${path.relative(ROOT, file)} imports ${spec}`);
          }
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('only parsing/parser.ts knows libpg-query', () => {
    const offenders: string[] = [];
    for (const dir of ['server/src', 'cli/src', 'client/src', 'shared/src']) {
      for (const file of sources(path.join(ROOT, dir))) {
        if (file.endsWith(path.join('parsing', 'parser.ts'))) continue;
        if (imports(file).some((s) => s === 'libpg-query')) offenders.push(path.relative(ROOT, file));
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the engine does not reach into the server, client or CLI', () => {
    const offenders: string[] = [];
    for (const file of sources(path.join(ROOT, 'server/src/engine'))) {
      for (const spec of imports(file)) {
        if (spec.startsWith('.') && /\/(lsp|client|cli)\//.test(path.resolve(path.dirname(file), spec) + '/')) {
          offenders.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  /**
   * The engine's layers, lowest first: a module imports its own layer and the layers below, never
   * one above (so there is no cycle between them). See ARCHITECTURE.md.
   */
  const LAYERS: string[][] = [
    ['text', 'host', 'suggest', 'config', 'env', 'database-url'],
    ['parsing', 'suppressions'],
    ['migrations'],
    ['schema'],
    ['inverse'],
    ['project'],
    ['rules'],
    ['analyze', 'config-file', 'config-edit'],
    ['actions'],
    ['verify'],
    ['review'],
  ];
  const layerOf = (abs: string): number | undefined => {
    const rel = path.relative(path.join(ROOT, 'server/src/engine'), abs).split(path.sep);
    if (rel[0] === '..') return undefined;
    const top = rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.ts$/, '');
    const i = LAYERS.findIndex((l) => l.includes(top));
    return i < 0 ? -1 : i;
  };

  it("the engine's layers import downward only", () => {
    const offenders: string[] = [];
    for (const file of sources(path.join(ROOT, 'server/src/engine'))) {
      const mine = layerOf(file)!;
      if (mine < 0) offenders.push(`${path.relative(ROOT, file)} is in no layer: add it to LAYERS`);
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const theirs = layerOf(path.resolve(path.dirname(file), spec) + (spec.endsWith('.ts') ? '' : '.ts'));
        if (theirs !== undefined && theirs > mine) offenders.push(`${path.relative(ROOT, file)} (${LAYERS[mine]![0]}) imports ${spec} (${LAYERS[theirs]![0]}, a higher layer)`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the client imports no engine code: it asks the server (shared/ holds the plain code both use)', () => {
    const offenders: string[] = [];
    for (const file of sources(path.join(ROOT, 'client/src'))) {
      for (const spec of imports(file)) if (/server\/src|cli\/src/.test(spec)) offenders.push(`${path.relative(ROOT, file)} imports ${spec}`);
    }
    assert.deepEqual(offenders, []);
  });
});
