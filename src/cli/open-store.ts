import { existsSync } from 'node:fs';
import { FactorkitError, type Store } from '../entries/index.js';

/** A store the CLI opened from a `--store` URL, and how to let go of it. */
export interface OpenedStore {
  store: Store;
  /** The URL with its password masked: what messages may show. */
  where: string;
  /** Closes the connections (or the file) the CLI opened. */
  close(): Promise<void>;
}

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

async function openSqlite(rest: string, create: boolean): Promise<Omit<OpenedStore, 'where'>> {
  const [path, query] = splitQuery(rest.replace(/^\/\//, ''));
  if (!path) throw config('sqlite: needs a file: --store sqlite:./2fa.db');
  if (!create && !existsSync(path)) throw config(`no SQLite file at ${path}`);
  const { SqliteStore } = await import('../entries/sqlite.js');
  const table = query.get('table');
  const store = new SqliteStore({ filename: path, ...(table ? { table } : {}) });
  if (create) store.createSchema();
  return { store, close: async () => store.close() };
}

async function openRedis(url: string): Promise<Omit<OpenedStore, 'where'>> {
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

async function openRedisCluster(url: string): Promise<Omit<OpenedStore, 'where'>> {
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

async function openPostgres(url: string, create: boolean): Promise<Omit<OpenedStore, 'where'>> {
  const pg = await loadDriver('pg', 8, () => import('pg'));
  const parsed = new URL(url);
  const table = takeOption(parsed, 'table');
  const pool = new (pg.default ?? pg).Pool({ connectionString: parsed.toString(), max: 8 });
  pool.on('error', () => undefined);
  const { PostgresStore } = await import('../entries/postgres.js');
  const store = new PostgresStore({ pool, ...(table ? { table } : {}) });
  try {
    if (create) await store.createSchema();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { store, close: () => pool.end() };
}

/**
 * Opens the store a `--store` URL names, loading its driver only now. Without `create`, a SQLite
 * file must exist and no schema is created: a mistyped path is an error, not an empty new store.
 * @throws {FactorkitError} `CONFIG` for an unknown form, a missing driver or a missing file.
 */
export async function openStore(url: string, options: { create?: boolean } = {}): Promise<OpenedStore> {
  const create = options.create === true;
  const scheme = /^([a-z-]+):/i.exec(url)?.[1]?.toLowerCase();
  const where = maskPassword(url);
  const opened =
    scheme === 'sqlite'
      ? await openSqlite(url.slice('sqlite:'.length), create)
      : scheme === 'redis' || scheme === 'rediss'
        ? await openRedis(url)
        : scheme === 'redis-cluster' || scheme === 'rediss-cluster'
          ? await openRedisCluster(url)
          : scheme === 'postgres' || scheme === 'postgresql'
            ? await openPostgres(url, create)
            : null;
  if (!opened) throw config(`--store must be one of:\n  ${STORE_URL_FORMS.join('\n  ')}`);
  return { ...opened, where };
}
