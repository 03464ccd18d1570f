/**
 * A fix whose second half belongs in a later migration (for example `VALIDATE CONSTRAINT` after a
 * constraint added `NOT VALID`): the next migration pair of the file's directory, holding `upSql`
 * and `downSql`. Pure: the front end creates the files (never overwriting) and edits the current one.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import type { Convention } from '../migrations/convention';
import { conventionFor } from '../migrations/detect';
import { nextVersion, readMigrationDirectory } from '../migrations/directory';

export interface NewMigrationInput {
  /** A migration file of the directory the new pair goes to. */
  filePath: string;
  host: FileHost;
  convention?: Convention;
  /** File-name title of the new migration, e.g. `validate_orders_user_id_fkey`. */
  slug: string;
  upSql: string;
  downSql: string;
  eol?: string;
  now?: Date;
}

export type NewMigrationPlan =
  | { ok: true; version: string; up: { path: string; text: string }; down: { path: string; text: string } }
  | { ok: false; message: string };

export function planNewMigration(input: NewMigrationInput): NewMigrationPlan {
  const convention = conventionFor(input.filePath, input.host, input.convention);
  if (convention.layout !== 'pair') {
    return { ok: false, message: `${convention.displayName} keeps up and down in one file; add the statement to a new migration by hand.` };
  }
  const migration = convention.parse(input.filePath);
  const dir = migration ? convention.directoryOf(input.filePath) : path.dirname(input.filePath);
  const directory = readMigrationDirectory(dir, input.host, convention);
  const version = nextVersion(directory, input.now);
  const names = convention.pairFileNames(version, input.slug);
  const up = path.join(dir, names.up);
  const down = path.join(dir, names.down);
  for (const p of [up, down]) {
    if (input.host.exists(p)) return { ok: false, message: `${names.up === p ? names.up : path.basename(p)} already exists; nothing was created.` };
  }
  const eol = input.eol ?? '\n';
  const text = (sql: string): string => `${sql.replace(/\r\n?|\n/g, eol).replace(new RegExp(`(${eol})*$`), '')}${eol}`;
  return { ok: true, version, up: { path: up, text: text(input.upSql) }, down: { path: down, text: text(input.downSql) } };
}
