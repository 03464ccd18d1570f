import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { planInverseInsertion } from '../../../server/src/engine/actions/insert-inverse';

const DIR = path.resolve('/virtual/migrations');
const p = (name: string): string => path.join(DIR, name);
const INIT = 'CREATE TABLE users (id int PRIMARY KEY, email text, name text);\nCREATE INDEX users_name_idx ON users (name);\n';

function plan(files: Record<string, string>, file: string, statementIndex: number) {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [p(n), t])));
  return planInverseInsertion({ filePath: p(file), text: files[file]!, host, statementIndex });
}

function apply(text: string, offset: number, insert: string): string {
  return text.slice(0, offset) + insert + text.slice(offset);
}

describe('planInverseInsertion', () => {
  const up = 'CREATE TABLE posts (id int);\nALTER TABLE users ADD COLUMN bio text;\nDROP INDEX users_name_idx;\n';

  it('puts the inverse before the down statements that undo earlier up statements (reverse order)', () => {
    const down = 'ALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;\n';
    const r = plan({ '000001_init.up.sql': INIT, '000002_x.up.sql': up, '000002_x.down.sql': down }, '000002_x.up.sql', 2);
    assert.ok(r.ok);
    assert.equal(r.insertion.downPath, p('000002_x.down.sql'));
    assert.equal(
      apply(down, r.insertion.offset, r.insertion.text),
      'CREATE INDEX users_name_idx ON users (name);\n\nALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;\n',
    );
  });

  it('between the inverses of a later and an earlier statement', () => {
    const down = 'CREATE INDEX users_name_idx ON users (name);\n\nDROP TABLE posts;\n';
    const r = plan({ '000001_init.up.sql': INIT, '000002_x.up.sql': up, '000002_x.down.sql': down }, '000002_x.up.sql', 1);
    assert.ok(r.ok);
    assert.equal(
      apply(down, r.insertion.offset, r.insertion.text),
      'CREATE INDEX users_name_idx ON users (name);\n\nALTER TABLE users DROP COLUMN bio;\n\nDROP TABLE posts;\n',
    );
  });

  it('after the last statement when the statement is the first of the up (CRLF kept)', () => {
    const down = 'CREATE INDEX users_name_idx ON users (name);\r\nALTER TABLE users DROP COLUMN bio;\r\n';
    const r = plan({ '000001_init.up.sql': INIT, '000002_x.up.sql': up, '000002_x.down.sql': down }, '000002_x.up.sql', 0);
    assert.ok(r.ok);
    assert.equal(apply(down, r.insertion.offset, r.insertion.text), 'CREATE INDEX users_name_idx ON users (name);\r\nALTER TABLE users DROP COLUMN bio;\r\n\r\nDROP TABLE posts;\r\n');
  });

  it('into an empty down section of a goose file, after its annotation', () => {
    const text = '-- +goose Up\nCREATE TABLE posts (id int);\n\n-- +goose Down\n';
    const r = plan({ '00001_x.sql': text }, '00001_x.sql', 0);
    assert.ok(r.ok);
    assert.equal(r.insertion.downPath, p('00001_x.sql'));
    assert.equal(apply(text, r.insertion.offset, r.insertion.text), '-- +goose Up\nCREATE TABLE posts (id int);\n\n-- +goose Down\nDROP TABLE posts;\n');
  });

  it('refuses when the statement has no inverse, or there is no down', () => {
    const files = { '000001_init.up.sql': INIT, '000002_x.up.sql': "ALTER TYPE mood ADD VALUE 'x';\n", '000002_x.down.sql': 'SELECT 1;\n' };
    const r = plan(files, '000002_x.up.sql', 0);
    assert.deepEqual(r, {
      ok: false,
      message: "no inverse can be generated: ALTER TYPE mood ADD VALUE 'x': PostgreSQL cannot remove a value from an enum; recreate the type without it (and convert the columns that use it) by hand",
    });
    assert.deepEqual(plan({ '000002_x.up.sql': up }, '000002_x.up.sql', 0), { ok: false, message: 'the migration has no down to add to' });
  });
});
