/**
 * Migration file naming both the client and the engine need, as plain code with no imports: the
 * golang-migrate file name and the title slug of a new migration. (Everything that depends on the
 * convention is the server's: the client asks it.)
 */

/** golang-migrate's file name (`source/parse.go`): `<version>_<title>.<up|down>.<ext>`. */
export const GOLANG_MIGRATE_PATTERN = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

/** A migration title as file names carry it: `Add users email` → `add_users_email`. */
export function slugifyTitle(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
