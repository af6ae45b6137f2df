import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { FactorkitError, MemoryStore, type Store } from '../entries/index.js';

/** A store the CLI opened from a `--store` URL, and how to let go of it. */
export interface OpenedStore {
  store: Store;
  /** The URL with its password masked: what messages may show. */
  where: string;
  /** Closes the connections (or the file) the CLI opened. */
  close(): Promise<void>;
  /** The URL names no store yet (a new SQLite file, a database without the table): `store` is an empty one in memory. */
  absent?: boolean;
  /** A server (Redis, a Redis Cluster, PostgreSQL) that more connections may write to at once; false for a SQLite file (one writer). */
  server: boolean;
}

/**
 * What to do when the URL names no store yet: `refuse` (a mistyped path is an error, not a new
 * empty store), `create` it (`import`), or stand in an `empty` one in memory (`import --dry-run`,
 * which reports as into a new store and writes nothing).
 */
/** What an opener of one URL form gives; `openStore` adds what every form shares. */
type Opening = Omit<OpenedStore, 'where' | 'server'>;

export type WhenAbsent = 'refuse' | 'create' | 'empty';

/** An empty store in memory, for a URL that names none yet. */
const emptyStore = (): Opening => ({
  store: new MemoryStore(),
  close: async () => undefined,
  absent: true,
});

/** The URL forms `--store` takes (docs/cli.md). */
export const STORE_URL_FORMS = [
  'sqlite:./2fa.db',
  'redis://[:password@]host:6379[/db][?prefix=factorkit:]',
  'redis-cluster://host1:7000,host2:7001[?prefix=factorkit:]',
  'postgres://user[:password]@host:5432/db[?table=factorkit_records]',
];

const config = (message: string) => new FactorkitError('CONFIG', message, { field: 'store' });

/** A driver the URL needs, imported only now: the drivers are optional peer dependencies. */
async function loadDriver<T>(name: string, major: number, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw cause;
    throw config(`this --store needs the ${name} package: npm install ${name}@${major}`);
  }
}

/** `url` without its password, for messages. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z-]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Splits `?name=value` options off a URL that `URL` cannot parse (a SQLite path, several cluster hosts). */
function splitQuery(text: string): [string, URLSearchParams] {
  const at = text.indexOf('?');
  return at < 0
    ? [text, new URLSearchParams()]
    : [text.slice(0, at), new URLSearchParams(text.slice(at + 1))];
}

/** Takes factorkit's own option off a driver URL (`prefix`, `table`), leaving the rest to the driver. */
function takeOption(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name) ?? undefined;
  url.searchParams.delete(name);
  return value;
}

/**
 * Whether the SQLite file at `path` has `table`, read over a read-only connection: an app's own
 * database has none, and a dry run must not write a byte to it.
 */
async function sqliteHasTable(path: string, table: string): Promise<boolean> {
  const { default: Database } = await loadDriver('better-sqlite3', 12, () => import('better-sqlite3'));
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined
    );
  } finally {
    db.close();
  }
}

async function openSqlite(rest: string, absent: WhenAbsent): Promise<Opening> {
  const [path, query] = splitQuery(rest.replace(/^\/\//, ''));
  if (!path) throw config('sqlite: needs a file: --store sqlite:./2fa.db');
  const table = query.get('table');
  if (!existsSync(path)) {
    if (absent === 'refuse') throw config(`no SQLite file at ${path}`);
    // Said before anything is written (a dry run finds it too): the driver's own words are obscure.
    if (!existsSync(dirname(path))) throw config(`no folder ${dirname(path)} for the SQLite file ${path}`);
    if (absent === 'empty') return emptyStore();
  } else if (absent === 'empty' && !(await sqliteHasTable(path, table ?? 'factorkit_records'))) {
    return emptyStore();
  }
  const { SqliteStore } = await import('../entries/sqlite.js');
  const store = new SqliteStore({ filename: path, ...(table ? { table } : {}) });
  if (absent === 'create') store.createSchema();
  return { store, close: async () => store.close() };
}

async function openRedis(url: string): Promise<Opening> {
  const { Redis } = await loadDriver('ioredis', 5, () => import('ioredis'));
  const parsed = new URL(url);
  const prefix = takeOption(parsed, 'prefix');
  // Auto-pipelining: the commits an import sends at once (a batch's scripts) go in one write, and
  // Redis reads them in one: about 5 µs of this thread's CPU and as much of the server's a user
  // (docs/testing.md). Each stays its own script, atomic on its own.
  const client = new Redis(parsed.toString(), {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    enableAutoPipelining: true,
  });
  // Failures reach the caller through the store's calls (STORE_UNAVAILABLE), not as stray events.
  client.on('error', () => undefined);
  const { RedisStore } = await import('../entries/redis.js');
  return {
    store: new RedisStore({ client, ...(prefix ? { prefix } : {}) }),
    close: async () => void client.disconnect(),
  };
}

async function openRedisCluster(url: string): Promise<Opening> {
  const { Cluster } = await loadDriver('ioredis', 5, () => import('ioredis'));
  const [base, query] = splitQuery(url);
  const found = /^(rediss?)-cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/]+)\/?$/.exec(base);
  if (!found) throw config(`a Redis Cluster URL is ${STORE_URL_FORMS[2]}`);
  const [, scheme, username, password, hosts] = found;
  const nodes = hosts!.split(',').map((hostPort) => {
    const [host, port] = hostPort.split(':');
    if (!host || !/^\d+$/.test(port ?? '')) throw config(`"${hostPort}" is not host:port`);
    return { host, port: Number(port) };
  });
  const auth = {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
  const client = new Cluster(nodes, {
    redisOptions: { ...auth, maxRetriesPerRequest: 1, ...(scheme === 'rediss' ? { tls: {} } : {}) },
  });
  client.on('error', () => undefined);
  const { RedisStore } = await import('../entries/redis.js');
  const prefix = query.get('prefix');
  return {
    store: new RedisStore({ client, ...(prefix ? { prefix } : {}) }),
    close: async () => void client.disconnect(),
  };
}

type Queryable = { query(sql: string, values: unknown[]): Promise<{ rowCount: number | null }> };

/** Whether the database has `table` (`schema.table`, or in the search path): a new database has none. */
async function hasTable(pool: Queryable, table: string): Promise<boolean> {
  const [schema, name] = table.includes('.') ? table.split('.') : [null, table];
  const found = await pool.query(
    'SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = $1 AND (schemaname = $2 OR ($2 IS NULL AND schemaname = ANY (current_schemas(false))))',
    [name, schema],
  );
  return (found.rowCount ?? 0) > 0;
}

async function openPostgres(url: string, absent: WhenAbsent): Promise<Opening> {
  const pg = await loadDriver('pg', 8, () => import('pg'));
  const parsed = new URL(url);
  const table = takeOption(parsed, 'table');
  const pool = new (pg.default ?? pg).Pool({ connectionString: parsed.toString(), max: 8 });
  pool.on('error', () => undefined);
  const { PostgresStore } = await import('../entries/postgres.js');
  try {
    const store = new PostgresStore({ pool, ...(table ? { table } : {}) });
    if (absent === 'create') await store.createSchema();
    if (absent === 'empty' && !(await hasTable(pool, table ?? 'factorkit_records'))) {
      await pool.end();
      return emptyStore();
    }
    return { store, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Opens the store a `--store` URL names, loading its driver only now. By default (`absent:
 * 'refuse'`) a SQLite file must exist and no schema is created: a mistyped path is an error, not an
 * empty new store. `create: true` is `absent: 'create'`.
 * @throws {FactorkitError} `CONFIG` for an unknown form, a missing driver, file or folder.
 */
export async function openStore(
  url: string,
  options: { create?: boolean; absent?: WhenAbsent } = {},
): Promise<OpenedStore> {
  const absent = options.absent ?? (options.create === true ? 'create' : 'refuse');
  const scheme = /^([a-z-]+):/i.exec(url)?.[1]?.toLowerCase();
  const where = maskPassword(url);
  const opened =
    scheme === 'sqlite'
      ? await openSqlite(url.slice('sqlite:'.length), absent)
      : scheme === 'redis' || scheme === 'rediss'
        ? await openRedis(url)
        : scheme === 'redis-cluster' || scheme === 'rediss-cluster'
          ? await openRedisCluster(url)
          : scheme === 'postgres' || scheme === 'postgresql'
            ? await openPostgres(url, absent)
            : null;
  if (!opened) throw config(`--store must be one of:\n  ${STORE_URL_FORMS.join('\n  ')}`);
  return { ...opened, where, server: scheme !== 'sqlite' };
}
