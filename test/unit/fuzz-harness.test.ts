/** The fuzz tier's own parts (test/fuzz): its document model, its PRNG and its shrinker. */
import * as assert from 'node:assert/strict';
import { applyChange, applyEdits, lineStarts, offsetAt, positionAt, rangeProblem } from '../fuzz/model';
import { Rng } from '../fuzz/rng';
import { ddmin } from '../fuzz/shrink';
import { textOf } from '../fuzz/server-run';

const p = (line: number, character: number): { line: number; character: number } => ({ line, character });

describe('fuzz tier: the document model (LSP semantics, independent of the server)', () => {
  it('lines end at \\n, \\r\\n and \\r', () => {
    assert.deepEqual(lineStarts('a\nb\r\nc\rd'), [0, 2, 5, 7]);
    assert.deepEqual(positionAt('a\nb\r\nc\rd', 6), p(2, 1));
  });

  it('a position past a line end is its end (before the line break), past the last line the end of the text, negative the start', () => {
    const text = 'ab\r\ncd';
    assert.equal(offsetAt(text, p(0, 99)), 2);
    assert.equal(offsetAt(text, p(0, 3)), 2, 'not between \\r and \\n');
    assert.equal(offsetAt(text, p(5, 0)), 6);
    assert.equal(offsetAt(text, p(-1, 4)), 0);
    assert.equal(offsetAt(text, p(1, -3)), 4);
  });

  it('applies changes as a client means them: the reproduction of defect 1', () => {
    let text = 'DROP TABLE a;\nSELECT 2;';
    text = applyChange(text, { range: { start: p(2, 0), end: p(3, 0) }, text: '\n' });
    assert.equal(text, 'DROP TABLE a;\nSELECT 2;\n');
    text = applyChange(text, { range: { start: p(2, 0), end: p(2, 0) }, text: 'SELECT 3;' });
    assert.equal(text, 'DROP TABLE a;\nSELECT 2;\nSELECT 3;');
    assert.equal(applyChange('abc', { range: { start: p(0, 2), end: p(0, 1) }, text: 'X' }), 'aXc', 'a reversed range');
    assert.equal(applyChange('abc', { text: 'whole' }), 'whole');
  });

  it('applies a WorkspaceEdit\'s edits against the original text, inserts at one place in order', () => {
    const edits = [
      { range: { start: p(0, 0), end: p(0, 0) }, newText: '1' },
      { range: { start: p(0, 0), end: p(0, 0) }, newText: '2' },
      { range: { start: p(1, 0), end: p(1, 1) }, newText: 'B' },
    ];
    assert.equal(applyEdits('a\nb', edits), '12a\nB');
  });

  it('says why a range is outside the text', () => {
    assert.equal(rangeProblem('ab\ncd', { start: p(0, 0), end: p(1, 2) }), undefined);
    assert.match(rangeProblem('ab\ncd', { start: p(0, 0), end: p(2, 0) })!, /^line 2 past the last line 1/);
    assert.match(rangeProblem('ab\r\ncd', { start: p(0, 3), end: p(0, 3) })!, /^character 3 past the end of line 0 \(length 2\)/);
    assert.match(rangeProblem('ab', { start: p(0, 2), end: p(0, 1) })!, /^reversed range/);
    assert.match(rangeProblem('ab', { start: p(0, 0.5), end: p(0, 1) })!, /^not a position/);
    assert.match(rangeProblem('ab', null)!, /^not a range/);
  });

  it('texts of saved cases: literal, repeated with $i, or a list', () => {
    assert.equal(textOf(['a(', { repeat: 'c$i,', count: 3 }, ')']), 'a(c1,c2,c3,)');
  });
});

describe('fuzz tier: seeded runs and shrinking', () => {
  it('the same seed gives the same sequence; another seed another', () => {
    const seq = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 8 }, () => r.int(1000));
    };
    assert.deepEqual(seq(1), seq(1));
    assert.notDeepEqual(seq(1), seq(2));
    const r = new Rng(5);
    for (let i = 0; i < 1000; i++) {
      const n = r.between(3, 7);
      assert.ok(n >= 3 && n <= 7 && Number.isInteger(n));
    }
  });

  it('ddmin finds the smallest failing subsequence', async () => {
    let tries = 0;
    const fails = async (xs: number[]): Promise<boolean> => {
      tries++;
      return xs.includes(3) && xs.includes(17) && xs.indexOf(3) < xs.indexOf(17);
    };
    const all = Array.from({ length: 40 }, (_, i) => i);
    assert.deepEqual(await ddmin(all, fails, Date.now() + 60000), [3, 17]);
    assert.ok(tries < 200, `${tries} tries`);
    assert.deepEqual(await ddmin(all, async () => true, Date.now() + 60000), []);
    // Out of time: what it has is still failing.
    const partial = await ddmin(all, fails, Date.now() - 1);
    assert.ok(await fails(partial));
  });
});
