/** Golden-test helpers for the inverse engine: exact down text, and every generated statement parses. */
import * as assert from 'node:assert/strict';
import { generateDownSql, type DownOptions } from '../../../server/src/engine/inverse';
import { isValidSql, parseSql } from '../../../server/src/engine/parsing/parser';

export function down(up: string, options: DownOptions = {}): string {
  return generateDownSql(parseSql(up), options);
}

/** The down text without its comment lines: what PostgreSQL would run. */
export function sqlOnly(text: string): string {
  return text
    .split(/\r\n|\n/)
    .filter((line) => !line.startsWith('--'))
    .join('\n');
}

export interface GoldenCase {
  name: string;
  up: string;
  /** The expected down lines (joined with '\n', plus a final '\n'). */
  down: string[];
}

/** One `it` per case: the exact down text, and that its statements parse. */
export function golden(cases: GoldenCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const actual = down(c.up);
      assert.equal(actual, c.down.join('\n') + '\n');
      assert.ok(isValidSql(sqlOnly(actual)), `generated down does not parse:\n${actual}`);
    });
  }
}
