import * as assert from 'node:assert/strict';
import { generateDownSql } from '../../../server/src/engine/inverse/index';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { evaluateCondition, maskTemplates } from '../../../server/src/engine/parsing/templates';
import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { requireConcurrentIndexCreation } from '../../../server/src/engine/rules/all/require-concurrent-index-creation';
import { syntaxError } from '../../../server/src/engine/rules/all/syntax-error';
import { templatedSql } from '../../../server/src/engine/rules/all/templated-sql';
import { runRule, ruleTester } from './tester';

ruleTester(templatedSql, {
  valid: [
    'CREATE TABLE users (id bigint);',
    { name: 'a value as a schema name parses: it is checked, not reported', code: 'CREATE TABLE IF NOT EXISTS {{ index .Options "Namespace" }}.users (id uuid);' },
    { name: 'a name glued to a value', code: 'CREATE INDEX {{.Prefix}}_users_email_idx ON {{.Prefix}}_users (email);' },
    { name: 'a dialect branch: the PostgreSQL one is kept', code: '{{ if .IsPostgreSQL }}ALTER TABLE t ALTER COLUMN a TYPE text;{{ else }}ALTER TABLE t MODIFY a TEXT;{{ end }}' },
    { name: 'an action in a string is text', code: "INSERT INTO settings (k, v) VALUES ('ns', '{{ .Namespace }}');" },
    { name: 'a comment action', code: '{{/* created by soda */}}\nCREATE TABLE a (id int);' },
  ],
  invalid: [
    {
      name: 'a type modifier from a value does not parse',
      code: 'CREATE TABLE a (id int);\nALTER TABLE a ALTER COLUMN id TYPE varchar({{ .Len }});\nDROP TABLE b;',
      errors: [
        {
          messageId: 'notChecked',
          range: '1:0-1:54',
          message: 'This statement is a template: with its {{ ... }} actions it is not SQL until rendered, so it is not checked. Checks resume with the next statement.',
        },
      ],
    },
    {
      name: 'a branch on something else than the database keeps both sides',
      code: 'ALTER TABLE a {{ if .Flag }}ADD COLUMN b int{{ else }}DROP COLUMN b{{ end }};',
      errors: [{ messageId: 'notChecked', range: '0:0-0:67' }],
    },
  ],
});

describe('templates: masking keeps every position', () => {
  it('values become quoted names of the same length; control becomes spaces; the other dialects\' branches too', () => {
    const text = 'CREATE TABLE {{ .Schema }}.users ({{ if .IsMySQL }}id int AUTO_INCREMENT{{ else }}id serial{{ end }});';
    const m = maskTemplates(text)!;
    assert.equal(m.masked.length, text.length);
    const dropped = '{{ if .IsMySQL }}id int AUTO_INCREMENT{{ else }}'.length;
    assert.equal(m.masked, `CREATE TABLE "{ .Schema }".users (${' '.repeat(dropped)}id serial${' '.repeat('{{ end }}'.length)});`);
    assert.deepEqual(m.actions.map((a) => a.kind), ['value', 'control', 'control', 'control']);
    // A value in a string, a comment or a dollar-quoted body stays; `"` in a value becomes `'`.
    const text2 = "SELECT '{{ .X }}', $$ {{ .Y }} $$ -- {{ .Z }}\n, {{ index .M \"k\" }}x;";
    assert.equal(maskTemplates(text2)!.masked, "SELECT '{{ .X }}', $$ {{ .Y }} $$ -- {{ .Z }}\n, \"{ index .M 'k' }}\";");
    assert.equal(maskTemplates('SELECT 1;'), undefined);
  });

  it('conditions PostgreSQL decides', () => {
    assert.equal(evaluateCondition('.IsPostgreSQL'), true);
    assert.equal(evaluateCondition('.IsCockroach'), false);
    assert.equal(evaluateCondition('not .IsSQLite'), true);
    assert.equal(evaluateCondition('eq .Dialect "postgres"'), true);
    assert.equal(evaluateCondition('ne .Dialect "mysql"'), true);
    assert.equal(evaluateCondition('or .IsMySQL .IsMariaDB'), false);
    assert.equal(evaluateCondition('.Feature'), undefined);
  });

  it('the parse: statements keep the template\'s text; templated errors are no syntax errors', () => {
    const p = parseSql('CREATE TABLE {{ .S }}.a (id int);\nALTER TABLE a ALTER COLUMN id TYPE varchar({{ .N }});');
    assert.equal(p.statements[0]!.text, 'CREATE TABLE {{ .S }}.a (id int)');
    assert.equal(p.statements[0]!.templated, true);
    assert.ok(p.statements[0]!.ast && 'CreateStmt' in p.statements[0]!.ast);
    assert.equal(p.statements[1]!.ast, undefined);
    assert.equal(p.statements[1]!.error, undefined);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(runRule(syntaxError, { code: 'ALTER TABLE a ALTER COLUMN id TYPE varchar({{ .N }});' }), []);
  });

  it('other rules read the masked statements at their exact ranges', () => {
    const found = runRule(banDropTable, { code: 'DROP TABLE {{ .Schema }}.users;', fileName: '000002_x.up.sql' });
    assert.deepEqual(found.map((f) => [f.range.start.character, f.range.end.character, f.message]), [
      [0, 30, 'DROP TABLE "{ .Schema }".users deletes the table and every row in it; a down migration cannot bring the data back.'],
    ]);
    // The MySQL branch is not PostgreSQL: only the PostgreSQL index is judged.
    const idx = runRule(requireConcurrentIndexCreation, { code: '{{ if .IsMySQL }}CREATE INDEX i ON t (a);{{ else }}CREATE INDEX CONCURRENTLY i ON t (a);{{ end }}' });
    assert.deepEqual(idx, []);
  });
});

describe('templates: a generated down is a template too', () => {
  it('writes the actions back where their masked names stand', () => {
    const up = parseSql('CREATE TABLE {{ .Schema }}.users (id int);\nCREATE INDEX {{.Prefix}}_users_idx ON {{ .Schema }}.users (id);');
    assert.equal(
      generateDownSql(up),
      '-- Nothing to undo: CREATE INDEX {{.Prefix}}_users_idx ON {{ .Schema }}.users (… only changes {{ .Schema }}.users, which this migration creates\n\nDROP TABLE {{ .Schema }}.users;\n',
    );
    const index = parseSql('CREATE INDEX {{.Prefix}}_users_idx ON {{ .Schema }}.users (id);\nCREATE TABLE {{ .Schema }}.teams (id int);');
    assert.equal(generateDownSql(index), 'DROP TABLE {{ .Schema }}.teams;\n\nDROP INDEX {{ .Schema }}.{{.Prefix}}_users_idx;\n');
  });

  it('a note shortened inside an action is cut before it, so the down still renders', () => {
    const up = parseSql('CREATE TABLE {{ .Schema }}.users (id int);\nCREATE INDEX users_with_a_long_name_idx ON {{ .Schema }}.users ({{ .SomeVeryLongColumnExpression }});');
    const down = generateDownSql(up);
    for (const line of down.split('\n')) assert.equal((line.match(/\{\{/g) ?? []).length, (line.match(/\}\}/g) ?? []).length, line);
  });
});
