import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost } from '../../server/src/engine/host';
import { planNewMigration } from '../../server/src/engine/actions/new-migration';

const DIR = path.resolve('/virtual/db/migrations');
const at = (name: string): string => path.join(DIR, name);

describe('planNewMigration', () => {
  it('is the next pair of the directory, with the texts ending in one line break', () => {
    const host = new MemoryFileHost({ [at('000001_a.up.sql')]: '', [at('000001_a.down.sql')]: '', [at('000002_b.up.sql')]: '' });
    const plan = planNewMigration({
      filePath: at('000002_b.up.sql'),
      host,
      slug: 'validate_orders_user_id_fkey',
      upSql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n\n',
      downSql: '-- Nothing to undo.',
      eol: '\r\n',
    });
    assert.deepEqual(plan, {
      ok: true,
      version: '000003',
      up: { path: at('000003_validate_orders_user_id_fkey.up.sql'), text: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\r\n' },
      down: { path: at('000003_validate_orders_user_id_fkey.down.sql'), text: '-- Nothing to undo.\r\n' },
    });
  });

  it('refuses single-file conventions, where the statement goes in a new file by hand', () => {
    const host = new MemoryFileHost({ '/g/00001_a.sql': '-- +goose Up\nSELECT 1;\n-- +goose Down\n' });
    const plan = planNewMigration({ filePath: '/g/00001_a.sql', host, slug: 'x', upSql: 'SELECT 1;', downSql: '' });
    assert.equal(plan.ok, false);
  });
});
