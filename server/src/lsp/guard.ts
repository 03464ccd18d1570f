/** Handlers never throw into the connection: errors are logged and an empty result is returned. */
import type { Connection } from 'vscode-languageserver';

export type Logger = (message: string) => void;

export function guarded<A extends unknown[], R>(
  log: Logger,
  name: string,
  fallback: () => R,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await handler(...args);
    } catch (e) {
      log(`Migration Guard: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback();
    }
  };
}

/** Keeps the process alive on errors that escape every handler (they are bugs; log them). */
export function logUncaught(connection: Connection): void {
  process.on('uncaughtException', (e) => connection.console.error(`Migration Guard: uncaught error: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => connection.console.error(`Migration Guard: unhandled rejection: ${String(e)}`));
}
