/**
 * Verification on a real PostgreSQL server (optional: `verify.databaseUrl` in `.migration-guard.json`,
 * the `migrationGuard.verify.databaseUrl` setting, or the CLI's `--database-url`).
 *
 * Safety: the URL's database is used only as the *maintenance* connection. Migrations never run
 * there: a scratch database `migration_guard_verify_<random>` is created from `template0` (so it
 * starts empty whatever the server's template1 holds), the verification runs in it, and `close()`
 * drops it (with `FORCE` on PostgreSQL 13+, after closing our own connection). The `pg` package is
 * loaded on first use only, like PGlite.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from './pglite';

/** The part of `pg` we use (typed here, so that its types never load eagerly). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (e: Error) => void): void;
}
interface PgModule {
  Client: new (config: { connectionString: string; application_name?: string; connectionTimeoutMillis?: number }) => PgClient;
}

let pgModule: PgModule | undefined;
function loadPg(): PgModule {
  // A lazy require: esbuild bundles `pg`, but its code runs only when a server verification starts.
  pgModule ??= require('pg') as PgModule;
  return pgModule;
}

/** Whether `pg` has been loaded in this process. */
export function isPgLoaded(): boolean {
  return pgModule !== undefined;
}

export const SCRATCH_PREFIX = 'migration_guard_verify_';

import { checkDatabaseUrl, redactUrl, urlForDatabase } from '../database-url';

export { checkDatabaseUrl, redactUrl, urlForDatabase };


export interface ScratchDatabase extends Database {
  /** The scratch database's name. */
  readonly name: string;
  /** `server_version` of the server, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  readonly serverVersion: string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Connects to the server at `url` (maintenance connection), creates a scratch database and
 * connects to it. The caller must `close()` it, which drops the scratch database.
 */
export async function openScratchDatabase(url: string): Promise<ScratchDatabase> {
  const problem = checkDatabaseUrl(url);
  if (problem) throw new Error(`the database URL ${problem}`);
  const { Client } = loadPg();
  const quiet = (): void => undefined; // connection errors surface through the pending query
  const maintenance = new Client({ connectionString: url, application_name: 'migration-guard verify', connectionTimeoutMillis: 15000 });
  maintenance.on('error', quiet);
  try {
    await maintenance.connect();
  } catch (e) {
    throw new Error(`cannot connect to ${redactUrl(url)}: ${describe(e)}`);
  }
  const name = SCRATCH_PREFIX + randomBytes(6).toString('hex');
  let serverVersion = '';
  let versionNum = 0;
  try {
    const r = (await maintenance.query("SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n")).rows[0] ?? {};
    serverVersion = String(r.v ?? '');
    versionNum = Number(r.n ?? 0);
    await maintenance.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } catch (e) {
    await maintenance.end().catch(() => undefined);
    throw new Error(`cannot create a scratch database on ${redactUrl(url)} (the user needs the CREATEDB privilege): ${describe(e)}`);
  }

  const dropScratch = async (): Promise<void> => {
    try {
      await maintenance.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${versionNum >= 130000 ? ' WITH (FORCE)' : ''}`);
    } finally {
      await maintenance.end().catch(() => undefined);
    }
  };

  const client = new Client({ connectionString: urlForDatabase(url, name), application_name: 'migration-guard verify' });
  client.on('error', quiet);
  try {
    await client.connect();
  } catch (e) {
    await dropScratch().catch(() => undefined);
    throw new Error(`cannot connect to the scratch database ${name}: ${describe(e)}`);
  }

  let closed = false;
  return {
    name,
    serverVersion,
    async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
      const r = await client.query(sql, params);
      return { rows: r.rows as T[] };
    },
    // No parameters: `pg` sends a simple-protocol query, several statements in one implicit transaction.
    exec: (sql: string) => client.query(sql),
    dumpDataDir(): Promise<Blob> {
      return Promise.reject(new Error('a server database cannot be dumped as a data directory'));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
      await dropScratch();
    },
  };
}
