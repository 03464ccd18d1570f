import * as assert from 'node:assert/strict';
import { parseArgs } from '../../cli/src/args';

describe('cli arguments', () => {
  it('check with paths, format and rules in any order', () => {
    assert.deepEqual(parseArgs(['check', 'db', '--format', 'json', '--rule', 'ban-drop-table=off', 'x.sql', '--rule=missing-down-migration=error']), {
      ok: true,
      command: {
        kind: 'check',
        paths: ['db', 'x.sql'],
        format: 'json',
        rules: [
          { id: 'ban-drop-table', setting: 'off' },
          { id: 'missing-down-migration', setting: 'error' },
        ],
      },
    });
  });

  it('check defaults: no paths, text', () => {
    assert.deepEqual(parseArgs(['check']), { ok: true, command: { kind: 'check', paths: [], format: 'text', rules: [] } });
    assert.deepEqual(parseArgs(['check', '--format=text']), { ok: true, command: { kind: 'check', paths: [], format: 'text', rules: [] } });
  });

  it('-- ends the options', () => {
    assert.deepEqual(parseArgs(['check', '--', '--format']), { ok: true, command: { kind: 'check', paths: ['--format'], format: 'text', rules: [] } });
    assert.deepEqual(parseArgs(['down', '--', '-odd.up.sql']), { ok: true, command: { kind: 'down', file: '-odd.up.sql' } });
  });

  it('help and version win anywhere', () => {
    assert.deepEqual(parseArgs(['--help']), { ok: true, command: { kind: 'help' } });
    assert.deepEqual(parseArgs(['check', 'x', '-h']), { ok: true, command: { kind: 'help' } });
    assert.deepEqual(parseArgs(['help']), { ok: true, command: { kind: 'help' } });
    assert.deepEqual(parseArgs(['--version']), { ok: true, command: { kind: 'version' } });
    assert.deepEqual(parseArgs(['-V']), { ok: true, command: { kind: 'version' } });
  });

  it('down takes exactly one file', () => {
    assert.deepEqual(parseArgs(['down', 'm/1_a.up.sql']), { ok: true, command: { kind: 'down', file: 'm/1_a.up.sql' } });
    assert.deepEqual(parseArgs(['down']), { ok: false, message: 'down takes exactly one up migration file (got 0)' });
    assert.deepEqual(parseArgs(['down', 'a', 'b']), { ok: false, message: 'down takes exactly one up migration file (got 2)' });
    assert.deepEqual(parseArgs(['down', '--format', 'json', 'a']), { ok: false, message: 'unknown option --format for down' });
  });

  it('rejects bad usage with a message', () => {
    const errors: [string[], string][] = [
      [[], 'missing command (check, review, down or verify)'],
      [['lint'], 'unknown command "lint" (expected check, review, down or verify)'],
      [['--fix'], 'unknown option --fix'],
      [['check', '--fix'], 'unknown option --fix for check'],
      [['check', '--format'], '--format needs a value'],
      [['check', '--format', '--rule', 'a=off'], '--format needs a value'],
      [['check', '--format', 'xml'], '--format must be text, json, sarif, github, gitlab, not "xml"'],
      [['check', '--rule'], '--rule needs a value'],
      [['check', '--rule', 'ban-drop-table'], '--rule expects <rule-id>=off|error|warning|info|hint, not "ban-drop-table"'],
      [['check', '--rule', 'ban-drop-table=fatal'], '--rule expects <rule-id>=off|error|warning|info|hint, not "ban-drop-table=fatal"'],
      [['check', '--rule', '=off'], '--rule expects <rule-id>=off|error|warning|info|hint, not "=off"'],
    ];
    for (const [argv, message] of errors) assert.deepEqual(parseArgs(argv), { ok: false, message }, argv.join(' '));
  });
});
