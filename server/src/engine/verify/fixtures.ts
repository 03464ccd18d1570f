/**
 * User fixtures: SQL files (or folders of them, in name order) that verify runs after the earlier
 * migrations and before the up, so that a data transformation is tested on realistic rows
 * (`verify.fixtures` in `.migration-guard.json`, `--fixtures` on the CLI). Their rows are compared
 * like the synthetic ones. A fixture that fails stops the verification: nothing is verified, and
 * the failure names the fixture, its line and PostgreSQL's message.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import { parseSql } from '../parsing/parser';
import { LineIndex, type Range } from '../text';
import type { ExecError } from './execute';
import { isTransactionControl } from './execute';

export interface Fixture {
  /** Absolute path. */
  path: string;
  text: string;
}

export interface FixtureFailure extends ExecError {
  /** Absolute path of the fixture. */
  file: string;
  /** `span` as a 0-based line/character range in the fixture. */
  range?: Range;
}

/** Reads fixture files and folders (`*.sql` in name order). An unreadable path or a BEGIN/COMMIT is an error. */
export function loadFixtures(paths: readonly string[], host: FileHost): { fixtures: Fixture[] } | { error: FixtureFailure } {
  const fixtures: Fixture[] = [];
  const none = { start: 0, end: 0 };
  for (const p of paths) {
    const text = host.readFile(p);
    if (text !== undefined) {
      fixtures.push({ path: p, text });
      continue;
    }
    const names = host.readDir(p).filter((n) => /\.sql$/i.test(n)).sort();
    if (names.length === 0) {
      const exists = host.exists(p);
      return { error: { file: p, message: exists ? 'the folder holds no .sql file' : 'the fixture does not exist', span: none, located: 'file' } };
    }
    for (const n of names) {
      const f = path.join(p, n);
      const t = host.readFile(f);
      if (t === undefined) return { error: { file: f, message: 'the fixture cannot be read', span: none, located: 'file' } };
      fixtures.push({ path: f, text: t });
    }
  }
  for (const f of fixtures) {
    const control = parseSql(f.text).statements.find(isTransactionControl);
    if (control) {
      return {
        error: {
          file: f.path,
          message: 'a fixture must not contain BEGIN, COMMIT or ROLLBACK: verify runs it inside its own transaction',
          span: control.span,
          located: 'statement',
          range: new LineIndex(f.text).rangeOf(control.span),
        },
      };
    }
  }
  return { fixtures };
}

/** With its range filled in from the fixture's text. */
export function withRange(failure: FixtureFailure, text: string): FixtureFailure {
  return { ...failure, range: new LineIndex(text).rangeOf(failure.span) };
}

/** The tables (and columns) a fixture writes: INSERT, UPDATE, COPY targets. */
export function fixtureTargets(text: string): { relation: string; columns: string[] }[] {
  const out: { relation: string; columns: string[] }[] = [];
  for (const s of parseSql(text).statements) {
    const ast = s.ast;
    if (!ast) continue;
    const rel = (r: { schemaname?: string; relname?: string } | undefined): string | undefined => (r?.relname ? (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname) : undefined);
    if ('InsertStmt' in ast) {
      const name = rel(ast.InsertStmt.relation);
      if (name) out.push({ relation: name, columns: (ast.InsertStmt.cols ?? []).flatMap((c) => ('ResTarget' in c && c.ResTarget.name ? [c.ResTarget.name] : [])) });
    } else if ('UpdateStmt' in ast) {
      const name = rel(ast.UpdateStmt.relation);
      if (name) out.push({ relation: name, columns: (ast.UpdateStmt.targetList ?? []).flatMap((c) => ('ResTarget' in c && c.ResTarget.name ? [c.ResTarget.name] : [])) });
    } else if ('CopyStmt' in ast) {
      const name = rel(ast.CopyStmt.relation);
      if (name) out.push({ relation: name, columns: (ast.CopyStmt.attlist ?? []).flatMap((c) => ('String' in c ? [c.String.sval ?? ''] : [])) });
    }
  }
  return out;
}
