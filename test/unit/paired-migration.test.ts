import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_TITLE_BYTES } from '../../server/src/lsp/paired-migration';
import { create, NOW, tempDir } from './conventions/helpers';

// The helper's paths come from file: URIs (percent-encoded outside ASCII).

describe('Create paired migration: long titles', () => {
  // Found by the fuzz tier: a 300-character title gave a file name the file system refuses
  // (ENAMETOOLONG), so the client could not apply the edit.
  it('keeps the title to 100 bytes of UTF-8, cut at a character, so the files can be created', () => {
    const dir = tempDir({ '000001_init.up.sql': 'CREATE TABLE a ();\n', '000001_init.down.sql': 'DROP TABLE a;\n' });
    const ascii = create(dir, 'x'.repeat(300), NOW);
    assert.ok(typeof ascii !== 'string');
    assert.equal(ascii.upPath, `000002_${'x'.repeat(MAX_TITLE_BYTES)}.up.sql`);
    assert.equal(ascii.downPath, `000002_${'x'.repeat(MAX_TITLE_BYTES)}.down.sql`);

    // 3 bytes per character: 33 of them fit; a 4-byte character is never split.
    const cjk = create(dir, '日本語'.repeat(50), NOW);
    assert.ok(typeof cjk !== 'string');
    assert.equal(decodeURIComponent(cjk.upPath), `000002_${'日本語'.repeat(11)}.up.sql`);
    const astral = create(dir, '𝔘'.repeat(60), NOW);
    assert.ok(typeof astral !== 'string');
    assert.equal(decodeURIComponent(astral.upPath), `000002_${'𝔘'.repeat(25)}.up.sql`);
    // A separator at the cut does not leave a trailing underscore.
    const words = create(dir, `${'a'.repeat(99)} b`, NOW);
    assert.ok(typeof words !== 'string');
    assert.equal(words.upPath, `000002_${'a'.repeat(99)}.up.sql`);

    for (const c of [ascii, cjk, astral]) {
      for (const [file] of c.files) fs.writeFileSync(path.join(dir, decodeURIComponent(file)), '');
    }
  });
});
