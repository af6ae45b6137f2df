import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import {
  betterAuthTables,
  linesOf,
  parseBetterAuthSecrets,
  postgresSource,
  readBetterAuth,
  readDjangoOtp,
  readJsonl,
  readOtpApps,
  type SourceRecord,
  type SqlSource,
  sqliteSource,
} from '../entries/import.js';
import { FactorkitError } from '../entries/index.js';
import { UsageError } from './exit-codes.js';

/** The systems `import --from` reads. */
export const SOURCES = ['better-auth', 'jsonl', 'otp-csv', 'otp-jsonl', 'django-otp'] as const;
export type SourceName = (typeof SOURCES)[number];

/** Another system's data, opened: its records in order, how many (when known), and how to let go. */
export interface OpenedSource {
  records: AsyncIterable<SourceRecord>;
  total: number | null;
  /** What it is, for the resume journal's name and messages (no password). */
  name: string;
  close(): Promise<void>;
}

const config = (message: string, field: string) => new FactorkitError('CONFIG', message, { field });

/** A file's non-blank lines, counted in one streaming pass (the progress bar's total). */
async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const line of linesOf(createReadStream(path))) if (line.trim() !== '') count++;
  return count;
}

/**
 * The one file `--from` reads, and whether it is a regular file (a pipe such as `/dev/stdin` or
 * `<(psql ...)` can be read once only: its lines are not counted first, or nothing would be left).
 */
function fileOf(positionals: string[], from: string): { path: string; regular: boolean } {
  const [path, extra] = positionals;
  if (path === undefined)
    throw new UsageError(`--from ${from} reads a file: npx factorkit import --from ${from} <file>`);
  if (extra !== undefined)
    throw new UsageError(
      `--from ${from} reads one file (got ${positionals.length}): import each in its own run`,
    );
  if (!existsSync(path)) throw config(`no file at ${path}`, 'file');
  const stats = statSync(path);
  if (stats.isDirectory()) throw config(`${path} is a folder, not a file`, 'file');
  return { path, regular: stats.isFile() };
}

/**
 * The better-auth database a `--database-url` names: `sqlite:./app.db`, `file:./app.db` (as
 * better-auth's own configs write it), a path, or `postgres://`.
 */
async function openDatabase(url: string): Promise<{ db: SqlSource; close(): Promise<void> }> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pg = await import('pg');
    const pool = new (pg.default ?? pg).Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    return { db: postgresSource(pool), close: () => pool.end() };
  }
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (!existsSync(path)) throw config(`no SQLite database at ${path}`, 'database-url');
  const { default: Database } = await import('better-sqlite3');
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  return { db: sqliteSource(sqlite), close: async () => void sqlite.close() };
}

/**
 * A flag saying how the source ran (`--source-digits`), within what an imported key takes: a wrong
 * one is the command line's fault, said once, not a refusal of every user.
 */
function sourceNumber(
  flags: Record<string, string | boolean | undefined>,
  name: string,
  least: number,
  most: number,
): number | undefined {
  const value = flags[name];
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < least || n > most)
    throw new UsageError(`--${name} must be a whole number from ${least} to ${most}`);
  return n;
}

async function openBetterAuth(
  flags: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpenedSource> {
  const url = flags['database-url'];
  if (typeof url !== 'string') throw new UsageError('--from better-auth needs --database-url');
  const digits = sourceNumber(flags, 'source-digits', 6, 8);
  const periodSeconds = sourceNumber(flags, 'source-period', 1, 3600);
  const secret = env['BETTER_AUTH_SECRET'] ?? env['AUTH_SECRET'];
  const versions = env['BETTER_AUTH_SECRETS'];
  if (!secret && !versions)
    throw config(
      "better-auth's data opens with the app's secret: set BETTER_AUTH_SECRET (or BETTER_AUTH_SECRETS)",
      'BETTER_AUTH_SECRET',
    );
  const { db, close } = await openDatabase(url);
  const secrets = { secret, versions: versions ? parseBetterAuthSecrets(versions) : undefined };
  const tables = await betterAuthTables(db);
  if (!tables.twoFactor && !tables.passkey && !tables.enabledFlag) {
    await close();
    throw config('the database has neither a twoFactor nor a passkey table of better-auth', 'database-url');
  }
  return {
    records: readBetterAuth(db, { secrets, digits, periodSeconds, emailOtp: flags['email-otp'] === true }),
    total: tables.users,
    name: `better-auth ${url.replace(/:[^:@/]*@/, ':***@')}`,
    close,
  };
}

/** Opens what `--from` names. @throws `CONFIG` or a usage error saying what is missing. */
export async function openSource(
  from: string,
  positionals: string[],
  flags: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpenedSource> {
  if (from === 'better-auth') return openBetterAuth(flags, env);
  if (!(SOURCES as readonly string[]).includes(from))
    throw new UsageError(`--from must be one of ${SOURCES.join(', ')}`);
  const { path, regular } = fileOf(positionals, from);
  const close = async () => undefined;
  if (from === 'django-otp') {
    let dump: unknown;
    try {
      dump = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw config(
        `${path} is not JSON: export it with python manage.py dumpdata otp_totp otp_static`,
        'file',
      );
    }
    const records = [...readDjangoOtp(dump)];
    return {
      records: (async function* () {
        yield* records;
      })(),
      total: records.length,
      name: path,
      close,
    };
  }
  // A pipe is read once: its lines are not counted first (the progress shows no total for it).
  const lines = regular ? await countLines(path) : null;
  if (from === 'jsonl')
    return { records: readJsonl(createReadStream(path)), total: lines, name: path, close };
  const format = from === 'otp-csv' ? 'csv' : 'jsonl';
  return {
    records: readOtpApps(createReadStream(path), format),
    total: lines !== null && format === 'csv' ? Math.max(0, lines - 1) : lines,
    name: path,
    close,
  };
}
