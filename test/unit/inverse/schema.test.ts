import * as assert from 'node:assert/strict';
import { isValidSql } from '../../../server/src/engine/parsing/parser';
import { sqlOnly } from './golden';
import { SCHEMA_CASES, downWithSchema } from './schema-cases';

describe('inverse with a schema context (golden)', () => {
  for (const c of SCHEMA_CASES) {
    it(c.name, () => {
      const actual = downWithSchema(c.history, c.up);
      assert.equal(actual, c.down.join('\n') + '\n');
      assert.ok(isValidSql(sqlOnly(actual)), `generated down does not parse:\n${actual}`);
    });
  }
});
