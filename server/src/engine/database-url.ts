/** Database URLs as the settings give them (verify on a real server): checked, shown without passwords. */

/** A database URL, checked: `postgres://` or `postgresql://`. Returns a message when it is not one. */
export function checkDatabaseUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL (expected postgres://user@host:port/database)';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `has the scheme ${u.protocol.replace(/:$/, '')}, expected postgres or postgresql`;
  return undefined;
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/** The same server and credentials, another database. */
export function urlForDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
