/**
 * `${env:NAME}` placeholders in settings that hold secrets (`verify.databaseUrl` in
 * `.migration-guard.json` and the editor setting), so no password has to be committed: the value is
 * expanded from the environment of the process that uses it (the CLI, or the language server,
 * which inherits VS Code's).
 */

/** A well-formed placeholder. */
const PLACEHOLDER = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A `${...}` that is not a well-formed `${env:NAME}` placeholder, as written; undefined when all are fine. */
export function badPlaceholder(value: string): string | undefined {
  const rest = value.replace(PLACEHOLDER, '');
  const m = /\$\{[^}]*\}?/.exec(rest);
  return m ? m[0] : undefined;
}

/** The names the value refers to, in order. */
export function placeholderNames(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export type Expanded = { ok: true; value: string } | { ok: false; message: string };

/**
 * Replaces each `${env:NAME}` with the variable's value. A variable that is not set (or is empty) is
 * an error naming it; so is a malformed placeholder. `what` names the setting in messages.
 */
export function expandEnv(value: string, env: Readonly<Record<string, string | undefined>>, what: string): Expanded {
  const bad = badPlaceholder(value);
  if (bad) return { ok: false, message: `${what} has ${JSON.stringify(bad)}: only \${env:NAME} placeholders are expanded` };
  const missing = placeholderNames(value).filter((n) => !env[n]);
  if (missing.length > 0) {
    const list = [...new Set(missing)].join(', ');
    return { ok: false, message: `${what} uses \${env:${missing[0]}}, but the environment variable${missing.length > 1 ? 's' : ''} ${list} ${missing.length > 1 ? 'are' : 'is'} not set` };
  }
  return { ok: true, value: value.replace(PLACEHOLDER, (_, name: string) => env[name]!) };
}

/** The value with every placeholder replaced by `x`: for checking its shape before it is expanded. */
export function withSamplePlaceholders(value: string): string {
  return value.replace(PLACEHOLDER, 'x');
}

/**
 * Whether a database URL carries a password written out (in its user info or a `password=`
 * parameter) rather than a `${env:NAME}` placeholder.
 */
export function hasLiteralPassword(url: string): boolean {
  const marked = url.replace(PLACEHOLDER, '\u0001');
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(marked)?.[1];
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
    if (password !== '' && password.replace(/\u0001/g, '') !== '') return true;
  }
  const query = marked.split('?')[1]?.split('#')[0] ?? '';
  for (const pair of query.split('&')) {
    const [k, v = ''] = pair.split('=');
    if (k?.toLowerCase() === 'password' && v !== '' && v.replace(/\u0001/g, '') !== '') return true;
  }
  return false;
}
