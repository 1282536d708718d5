import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TidingsError } from '../model/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Shared option parsing: every command gets --help and a usage error with exit status 2. */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
  usage: string,
): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean }; positionals: string[] } | null {
  const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage.trim()}\n`);
    return null;
  }
  return parsed as never;
}

export function usageError(message: string): TidingsError {
  return new TidingsError('usage', message);
}

/** Where the data lives: the SQLite file, or a PostgreSQL URL (DATABASE_URL), which wins. */
export const DB_OPTION = { db: { type: 'string' }, 'database-url': { type: 'string' } } as const;

/** --concurrency N (or TIDINGS_WORKER_CONCURRENCY): feed refreshes one process runs at once. */
export function concurrencyOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw usageError('--concurrency takes a number from 1 to 256');
  return n;
}
