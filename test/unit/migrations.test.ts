import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost } from '../../server/src/engine/host';
import { compareMigrations, detectScheme, diagnoseFileName, MIGRATION_DIR_NAME, nextVersion, readMigrationDirectory } from '../../server/src/engine/migrations/directory';
import { golangMigrate, slugifyTitle } from '../../server/src/engine/migrations/golang-migrate';

const DIR = path.resolve('/virtual/db/migrations');

function dirOf(...names: string[]): ReturnType<typeof readMigrationDirectory> {
  const files: Record<string, string> = {};
  for (const n of names) files[path.join(DIR, n)] = '';
  return readMigrationDirectory(DIR, new MemoryFileHost(files));
}

describe('migrations', () => {
  describe('golang-migrate parse', () => {
    it('reads version, title, direction and extension', () => {
      const m = golangMigrate.parse(path.join(DIR, '000042_add_users_email.up.sql'));
      assert.deepEqual(m, {
        path: path.join(DIR, '000042_add_users_email.up.sql'),
        dir: DIR,
        fileName: '000042_add_users_email.up.sql',
        version: '000042',
        versionNumber: 42n,
        title: 'add_users_email',
        direction: 'up',
        ext: 'sql',
      });
    });

    it('follows ^([0-9]+)_(.*)\\.(down|up)\\.(.*)$ exactly, greedy title included', () => {
      const parts = (n: string): string[] | undefined => {
        const m = golangMigrate.parse(path.join(DIR, n));
        return m && [m.version, m.title, m.direction, m.ext];
      };
      assert.deepEqual(parts('1_.down.sql'), ['1', '', 'down', 'sql']);
      assert.deepEqual(parts('1_a.down.up.sql'), ['1', 'a.down', 'up', 'sql']);
      assert.deepEqual(parts('20200317160354_identities.postgres.up.sql'), ['20200317160354', 'identities.postgres', 'up', 'sql']);
      assert.deepEqual(parts('1_init.up.sql.bak'), ['1', 'init', 'up', 'sql.bak']);
      assert.deepEqual(parts('1_init.up.'), ['1', 'init', 'up', '']);
      for (const bad of ['1_init_down.sql', '000001_down.sql', '1-init.up.sql', '1_init.UP.sql', 'V1__init.sql', 'init.up.sql', '1.up.sql', 'a1_x.up.sql']) {
        assert.equal(golangMigrate.parse(path.join(DIR, bad)), undefined, bad);
      }
    });

    it('takes versions up to uint64 and skips larger ones', () => {
      assert.equal(golangMigrate.parse('18446744073709551615_max.up.sql')?.versionNumber, 18446744073709551615n);
      assert.equal(golangMigrate.parse('18446744073709551616_over.up.sql'), undefined);
    });

    it('names the counterpart and new pairs', () => {
      const up = golangMigrate.parse(path.join(DIR, '0007_x.y.up.sql'))!;
      assert.equal(golangMigrate.counterpartPath(up), path.join(DIR, '0007_x.y.down.sql'));
      const down = golangMigrate.parse(path.join(DIR, '0007_x.down.sql'))!;
      assert.equal(golangMigrate.counterpartPath(down), path.join(DIR, '0007_x.up.sql'));
      assert.deepEqual(golangMigrate.pairFileNames('000008', 'add_email'), { up: '000008_add_email.up.sql', down: '000008_add_email.down.sql' });
      assert.equal(slugifyTitle('  Add users.email (NOT NULL)! '), 'add_users_email_not_null');
      assert.equal(slugifyTitle('Créer la table'), 'créer_la_table');
    });
  });

  describe('diagnoseName', () => {
    const cases: [string, string | undefined, string][] = [
      ['1_init_down.sql', '1_init.down.sql', 'the direction must be written `.down.`, between dots'],
      ['1_init-up.sql', '1_init.up.sql', 'the direction must be written `.up.`, between dots'],
      ['1_init up.sql', '1_init.up.sql', 'the direction must be written `.up.`, between dots'],
      ['000001_down.sql', '000001_.down.sql', 'the direction must be written `.down.`, between dots'],
      ['1-init.up.sql', '1_init.up.sql', 'the version must be followed by `_`'],
      ['1.init.down.sql', '1_init.down.sql', 'the version must be followed by `_`'],
      ['1init.up.sql', '1_init.up.sql', 'the version must be followed by `_`'],
      ['1-add-users.up.sql', '1_add-users.up.sql', 'the version must be followed by `_`'],
      ['1_init.UP.sql', '1_init.up.sql', 'the direction must be lower case: `.up.`'],
      ['1_init.Down.SQL', '1_init.down.SQL', 'the direction must be lower case: `.down.`'],
      ['V1__init.sql', '1_init.up.sql', 'it is named the Flyway way; golang-migrate needs the version first'],
      ['U3__add_users.sql', '3_add_users.down.sql', 'it is named the Flyway way; golang-migrate needs the version first'],
      ['20200101120000_create_users.sql', '20200101120000_create_users.up.sql', 'its name has no `.up.` or `.down.` before the extension'],
      ['1_backup.sql', '1_backup.up.sql', 'its name has no `.up.` or `.down.` before the extension'],
      ['seed.sql', undefined, 'its name does not start with a numeric version'],
      ['init.up.sql', undefined, 'its name does not start with a numeric version'],
      ['V1.1__x.sql', undefined, 'its name does not start with a numeric version'],
    ];
    for (const [name, suggestion, reason] of cases) {
      it(`${name} → ${suggestion ?? 'no suggestion'}`, () => {
        const d = golangMigrate.diagnoseName(name);
        assert.ok(d);
        assert.equal(d.suggestion, suggestion);
        assert.equal(d.reason, reason);
        if (suggestion) assert.ok(golangMigrate.parse(suggestion), 'the suggestion is a name golang-migrate loads');
      });
    }

    it('says nothing about valid names and non-SQL files', () => {
      assert.equal(golangMigrate.diagnoseName('1_init.up.sql'), undefined);
      assert.equal(golangMigrate.diagnoseName('README.md'), undefined);
      assert.equal(golangMigrate.diagnoseName('1_init_down.txt'), undefined);
    });

    it('flags a valid-looking name whose version overflows uint64', () => {
      assert.deepEqual(golangMigrate.diagnoseName('99999999999999999999_x.up.sql'), {
        fileName: '99999999999999999999_x.up.sql',
        reason: 'its version 99999999999999999999 does not fit in 64 bits',
      });
    });

    it('prefers the counterpart name when a sibling of the same version exists', () => {
      const d = dirOf('000001_init.up.sql', '000001_down.sql', '2_users.up.sql', '02_users.sql', '000003_orders.down.sql', '3-orders.sql');
      assert.equal(diagnoseFileName(d, '000001_down.sql')?.suggestion, '000001_init.down.sql');
      // No direction in the name and only an up beside it: it is the down.
      assert.equal(diagnoseFileName(d, '02_users.sql')?.suggestion, '2_users.down.sql');
      // No direction and only a down beside it: the guessed direction (up) stands.
      assert.equal(diagnoseFileName(d, '3-orders.sql')?.suggestion, '3_orders.up.sql');
      assert.deepEqual(
        d.invalid.map((i) => [i.fileName, i.suggestion]),
        [
          ['000001_down.sql', '000001_init.down.sql'],
          ['02_users.sql', '2_users.down.sql'],
          ['3-orders.sql', '3_orders.up.sql'],
        ],
      );
    });

    it('keeps the name-only suggestion when no counterpart exists', () => {
      const d = dirOf('000001_init.up.sql', '000001_init.down.sql', '000002_down.sql');
      assert.equal(diagnoseFileName(d, '000002_down.sql')?.suggestion, '000002_.down.sql');
    });
  });

  describe('directory', () => {
    it('orders versions as numbers, up before down, and pairs 1 with 001', () => {
      const d = dirOf('10_j.up.sql', '9_i.down.sql', '001_a.down.sql', '9_i.up.sql', '1_a.up.sql', '18446744073709551615_z.up.sql', 'README.md');
      assert.deepEqual(
        d.migrations.map((m) => m.fileName),
        ['1_a.up.sql', '001_a.down.sql', '9_i.up.sql', '9_i.down.sql', '10_j.up.sql', '18446744073709551615_z.up.sql'],
      );
      assert.deepEqual(d.ups(1n).map((m) => m.fileName), ['1_a.up.sql']);
      assert.deepEqual(d.downs(1n).map((m) => m.fileName), ['001_a.down.sql']);
      assert.deepEqual(d.downs(10n), []);
      assert.equal(d.isMigrationDirectory, true);
    });

    it('sorts same-version same-direction files by name', () => {
      const a = golangMigrate.parse('/m/2_b.up.sql')!;
      const b = golangMigrate.parse('/m/02_a.up.sql')!;
      assert.deepEqual([a, b].sort(compareMigrations).map((m) => m.fileName), ['02_a.up.sql', '2_b.up.sql']);
    });

    it('lists invalid names only in a migrations directory', () => {
      const files = { '/virtual/sql/seed.sql': '', '/virtual/sql/1_init_down.sql': '' };
      const plain = readMigrationDirectory(path.resolve('/virtual/sql'), new MemoryFileHost(files));
      assert.equal(plain.isMigrationDirectory, false);
      assert.deepEqual(plain.invalid, []);
      const named = dirOf('seed.sql');
      assert.equal(named.isMigrationDirectory, true, 'a directory named migrations is one even when empty');
      assert.deepEqual(named.invalid.map((i) => i.fileName), ['seed.sql']);
    });

    it('recognises migrations directories by their whole name', () => {
      for (const name of ['migrations', 'Migrations', 'migrate', 'migration', 'db_migrations', 'sql-migrations']) {
        assert.equal(MIGRATION_DIR_NAME.test(name), true, name);
      }
      for (const name of ['2020-09-07-231141_add_migration_utils', 'migrations_old_backup', 'sql', 'immigrate']) {
        assert.equal(MIGRATION_DIR_NAME.test(name), false, name);
      }
    });
  });

  describe('detectScheme and nextVersion', () => {
    const now = new Date(Date.UTC(2026, 2, 5, 9, 7, 3));

    it('an empty directory starts a 6-digit sequence', () => {
      const d = dirOf();
      assert.deepEqual(d.scheme, { kind: 'sequence', width: 6 });
      assert.equal(nextVersion(d, now), '000001');
    });

    it('keeps the zero-padded width', () => {
      assert.equal(nextVersion(dirOf('000001_a.up.sql', '000041_b.up.sql', '000041_b.down.sql'), now), '000042');
      assert.equal(nextVersion(dirOf('0001_a.up.sql', '0099_b.up.sql'), now), '0100');
      assert.equal(nextVersion(dirOf('0001_a.up.sql', '0002_b.up.sql', '9999_c.up.sql'), now), '10000');
      assert.deepEqual(detectScheme(dirOf('001_a.up.sql').migrations), { kind: 'sequence', width: 3 });
    });

    it('unpadded sequences stay unpadded', () => {
      const d = dirOf('1_a.up.sql', '2_b.up.sql', '10_c.up.sql');
      assert.deepEqual(d.scheme, { kind: 'sequence', width: 1 });
      assert.equal(nextVersion(d, now), '11');
    });

    it('timestamps come from now, in UTC', () => {
      const d = dirOf('20240101120000_a.up.sql', '20250101120000_b.up.sql');
      assert.deepEqual(d.scheme, { kind: 'timestamp' });
      assert.equal(nextVersion(d, now), '20260305090703');
    });

    it('a timestamp is never at or before the last version', () => {
      assert.equal(nextVersion(dirOf('20260305090703_a.up.sql'), now), '20260305090704');
      assert.equal(nextVersion(dirOf('20261231235959_future.up.sql'), now), '20270101000000');
    });

    it('the scheme follows the highest version, not the last listed', () => {
      assert.deepEqual(detectScheme([golangMigrate.parse('/m/20240101120000_a.up.sql')!, golangMigrate.parse('/m/0001_b.up.sql')!]), { kind: 'timestamp' });
      assert.deepEqual(detectScheme([golangMigrate.parse('/m/12345678901234_a.up.sql')!]), { kind: 'sequence', width: 1 });
    });
  });
});
