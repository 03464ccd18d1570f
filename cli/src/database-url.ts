/**
 * The PostgreSQL server `verify` (and `review --verify`) runs on: `--database-url`, else the
 * environment variable MIGRATION_GUARD_DATABASE_URL, else `verify.databaseUrl` of the nearest
 * `.migration-guard.json` with its `${env:NAME}` placeholders expanded; none of them (or
 * `--pglite`): PGlite.
 */
import { expandEnv } from '../../server/src/engine/env';
import type { LoadedConfig } from '../../server/src/engine/config-file';
import { checkDatabaseUrl } from '../../server/src/engine/verify/pg-server';

export const DATABASE_URL_ENV = 'MIGRATION_GUARD_DATABASE_URL';

export type DatabaseUrlResult = { ok: true; url: string | undefined } | { ok: false; message: string };

export function resolveDatabaseUrl(config: LoadedConfig | undefined, env: Readonly<Record<string, string | undefined>> = process.env): DatabaseUrlResult {
  const fromEnv = env[DATABASE_URL_ENV]?.trim();
  if (fromEnv) {
    const bad = checkDatabaseUrl(fromEnv);
    return bad ? { ok: false, message: `${DATABASE_URL_ENV} ${bad}` } : { ok: true, url: fromEnv };
  }
  const raw = config && !config.broken ? config.config.verify?.databaseUrl : undefined;
  if (!raw) return { ok: true, url: undefined };
  const expanded = expandEnv(raw, env, '"verify.databaseUrl" of .migration-guard.json');
  if (!expanded.ok) return { ok: false, message: expanded.message };
  const bad = checkDatabaseUrl(expanded.value);
  return bad ? { ok: false, message: `"verify.databaseUrl" of .migration-guard.json ${bad} once expanded` } : { ok: true, url: expanded.value };
}
