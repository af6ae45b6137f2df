/**
 * `npm run bench -- import`: 100,000 users from a JSONL file (a TOTP key and ten better-auth-style
 * backup codes each) through `npx factorkit import` into SQLite, Redis and PostgreSQL, with
 * `IMPORT_WORKERS` worker threads (default: the CLI's, at least one) and then on the main thread alone
 * (`--workers 0`), beside the floor: the same rows written with bare commits (two puts, values
 * precomputed: no validation, no sealing, no read), one per user and, as the import sends them,
 * `IMPORT_BATCH` users per `commitEach`. The process's RSS is sampled all along: it stays flat
 * while the file streams. Bounded: two imports per store. `IMPORT_USERS`, `IMPORT_CONCURRENCY` and
 * `IMPORT_BATCH` change it; `IMPORT_STORES` (`sqlite,redis,postgres` by default) picks the stores.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { CliIo } from '../src/cli/command.js';
import { main } from '../src/cli/main.js';
import type { Store, StoreOp } from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { table } from './harness.js';

const USERS = Number(process.env['IMPORT_USERS'] ?? 100_000);
const CONCURRENCY = Number(process.env['IMPORT_CONCURRENCY'] ?? 32);
const BATCH = Number(process.env['IMPORT_BATCH'] ?? 16);
const STORES = (process.env['IMPORT_STORES'] ?? 'sqlite,redis,postgres').split(',');
/** At least one: on two cores the CLI's default is none, and the run compares workers with none. */
const WORKERS = process.env['IMPORT_WORKERS'] ?? String(Math.min(4, Math.max(1, availableParallelism() - 2)));
const KEY = randomBytes(32).toString('base64url');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const code = () =>
  Array.from(randomBytes(10), (b, i) => (i === 5 ? '-' : '') + ALPHABET[b % ALPHABET.length]).join('');

/** Writes the JSONL file, streaming. */
async function writeUsers(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < USERS; i++) {
    const line = JSON.stringify({
      userId: `user-${i}`,
      totp: { secret: randomBytes(20).toString('hex'), encoding: 'hex' },
      backupCodes: Array.from({ length: 10 }, code),
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** Peak and sampled RSS (MB) while `run` runs. */
async function withRss<T>(
  run: () => Promise<T>,
): Promise<{ result: T; peakMb: number; samplesMb: number[] }> {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage().rss / 2 ** 20), 250);
  try {
    const result = await run();
    return { result, peakMb: Math.max(...samples, process.memoryUsage().rss / 2 ** 20), samplesMb: samples };
  } finally {
    clearInterval(timer);
  }
}

/** `run`'s users/s and this process's CPU per user (µs: user + system), which a busy machine does not inflate. */
async function timed(run: () => Promise<void>): Promise<{ perSecond: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const spent = process.cpuUsage(cpu);
  return {
    perSecond: USERS / ((performance.now() - started) / 1000),
    cpuUs: (spent.user + spent.system) / USERS,
  };
}

/** `npx factorkit import --from jsonl` in this process (its workers: threads of this process). */
async function cliImport(
  file: string,
  storeUrl: string,
  dir: string,
  workers: string | undefined,
): Promise<void> {
  let stdout = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: () => undefined,
    env: { FACTORKIT_KEY: KEY },
    tty: null,
    outTerminal: false,
    signal: new AbortController().signal,
  };
  const args = ['import', '--from', 'jsonl', file, '--store', storeUrl, '--concurrency', String(CONCURRENCY)];
  args.push('--batch', String(BATCH), ...(workers === undefined ? [] : ['--workers', workers]));
  const code = await main(
    [...args, '--journal', join(dir, `journal-${randomBytes(4).toString('hex')}.jsonl`)],
    io,
  );
  if (code !== 0 || !stdout.includes(`imported: ${USERS}\n`))
    throw new Error(`import failed (${code}): ${stdout}`);
}

/**
 * The floor: the same two rows per user with bare commits, values precomputed, `CONCURRENCY` users
 * in flight: one commit per user (`batch` 1), or `batch` users per `commitEach` as the import sends
 * them; users/s.
 */
async function bareCommits(store: Store, prefix: string, batch: number): Promise<void> {
  const codes = Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`c:${randomBytes(32).toString('base64url')}${i}`, '1']),
  );
  const sealed = `v1.kid.${randomBytes(12).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
  const rows = (n: number): StoreOp[] => {
    const tag = Buffer.from(`${prefix}-${n}`).toString('base64url');
    return [
      {
        type: 'put',
        key: `{${tag}}:user`,
        fields: { totp: sealed, totpAt: '1', imported: 'x' },
        expiresAt: null,
      },
      {
        type: 'put',
        key: `{${tag}}:backup-codes`,
        fields: { kid: 'k', total: '10', generatedAt: '1', form: 'plain', ...codes },
        expiresAt: null,
      },
    ];
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.ceil(CONCURRENCY / batch)) }, async () => {
      while (next < USERS) {
        const users = Array.from({ length: Math.min(batch, USERS - next) }, () => rows(next++));
        const results =
          batch === 1
            ? [await store.commit(users[0]!, Date.now())]
            : await store.commitEach!(users, Date.now());
        if (!results.every((result) => result.ok)) throw new Error('bare commit failed');
      }
    }),
  );
}

export async function benchImport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-import-'));
  const [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
  try {
    const file = join(dir, 'users.jsonl');
    await writeUsers(file);
    const sizeMb = statSync(file).size / 2 ** 20;
    console.log(
      `## import: ${USERS} users (${sizeMb.toFixed(0)} MB of JSONL), concurrency ${CONCURRENCY}, batch ${BATCH}, workers ${WORKERS} (${availableParallelism()} cores)\n`,
    );
    const rows: Array<Array<string | number>> = [];
    const targets: Array<{
      name: string;
      url: string;
      /** Where the main-thread-only import goes. */
      alone: string;
      store: () => { store: Store; close: () => Promise<unknown> };
    }> = [
      {
        name: 'sqlite',
        url: `sqlite:${join(dir, 'import.db')}`,
        alone: `sqlite:${join(dir, 'alone.db')}`,
        store: () => {
          const store = new SqliteStore({ filename: join(dir, 'bare.db') });
          store.createSchema();
          return { store, close: async () => store.close() };
        },
      },
    ];
    if (redisServer)
      targets.push({
        name: 'redis',
        url: `redis://127.0.0.1:${redisServer.port}?prefix=import:`,
        alone: `redis://127.0.0.1:${redisServer.port}?prefix=alone:`,
        store: () => {
          const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
          return { store: new RedisStore({ client, prefix: 'bare:' }), close: () => client.quit() };
        },
      });
    if (postgresServer)
      targets.push({
        name: 'postgres',
        url: `postgres://postgres@127.0.0.1:${postgresServer.port}/postgres?table=import_records`,
        alone: `postgres://postgres@127.0.0.1:${postgresServer.port}/postgres?table=alone_records`,
        store: () => {
          const pool = new pg.Pool({
            host: '127.0.0.1',
            port: postgresServer.port,
            user: 'postgres',
            database: 'postgres',
            max: 8,
          });
          const store = new PostgresStore({ pool, table: 'bare_records' });
          return { store, close: () => pool.end() };
        },
      });
    for (const target of targets.filter((t) => STORES.includes(t.name))) {
      const imported = await withRss(() => timed(() => cliImport(file, target.url, dir, WORKERS)));
      const alone = await timed(() => cliImport(file, target.alone, dir, '0'));
      const { store, close } = target.store();
      if ('createSchema' in store && target.name === 'postgres')
        await (store as PostgresStore).createSchema();
      const bare = await timed(() => bareCommits(store, 'bare', 1));
      const batched = await timed(() => bareCommits(store, 'batched', BATCH));
      const load = loadavg()[0]!.toFixed(1);
      await close();
      const quarter = Math.floor(imported.samplesMb.length / 4);
      const at = (i: number) => (imported.samplesMb[i] ?? 0).toFixed(0);
      const rate = imported.result.perSecond;
      rows.push([
        target.name,
        Math.round(rate),
        Math.round(alone.perSecond),
        Math.round(bare.perSecond),
        `${(rate / bare.perSecond).toFixed(2)}x`,
        Math.round(batched.perSecond),
        `${(rate / batched.perSecond).toFixed(2)}x`,
        `${Math.round(imported.result.cpuUs)} / ${Math.round(alone.cpuUs)} / ${Math.round(bare.cpuUs)} / ${Math.round(batched.cpuUs)}`,
        `${at(quarter)} / ${at(2 * quarter)} / ${at(imported.samplesMb.length - 1)}`,
        `${imported.peakMb.toFixed(0)} MB`,
        load,
      ]);
      console.log(`${target.name}: ${rows.at(-1)!.join(', ')}`);
    }
    console.log('');
    table(
      [
        'store',
        'import users/s',
        'main thread alone',
        'bare commits users/s',
        'ratio',
        `bare, ${BATCH} per commitEach`,
        'ratio',
        'CPU µs/user (all threads): import / alone / bare / batched',
        'RSS MB at 1/4, 1/2, end',
        'peak RSS',
        'load (1 min)',
      ],
      rows,
    );
  } finally {
    await Promise.all([redisServer?.stop(), postgresServer?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
