/**
 * `npm run bench -- import`: 100,000 users from a JSONL file (a TOTP key and ten better-auth-style
 * backup codes each) through `npx factorkit import` into SQLite, Redis and PostgreSQL, beside the
 * floor: the same rows written with one bare commit per user (two puts, values precomputed: no
 * validation, no sealing, no read). The process's RSS is sampled all along: it stays flat while the
 * file streams. Bounded: one pass per store. `IMPORT_USERS` and `IMPORT_CONCURRENCY` change the size.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { CliIo } from '../src/cli/command.js';
import { main } from '../src/cli/main.js';
import type { Store } from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { table } from './harness.js';

const USERS = Number(process.env['IMPORT_USERS'] ?? 100_000);
const CONCURRENCY = Number(process.env['IMPORT_CONCURRENCY'] ?? 32);
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

/** `npx factorkit import --from jsonl` in this process; users/s. */
async function cliImport(file: string, storeUrl: string, dir: string): Promise<number> {
  let stdout = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: () => undefined,
    env: { FACTORKIT_KEY: KEY },
    tty: null,
    signal: new AbortController().signal,
  };
  const started = performance.now();
  const args = ['import', '--from', 'jsonl', file, '--store', storeUrl, '--concurrency', String(CONCURRENCY)];
  const code = await main(
    [...args, '--journal', join(dir, `journal-${randomBytes(4).toString('hex')}.jsonl`)],
    io,
  );
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || !stdout.includes(`imported: ${USERS}\n`))
    throw new Error(`import failed (${code}): ${stdout}`);
  return USERS / seconds;
}

/** The floor: the same two rows per user with one bare commit each, at the same concurrency; users/s. */
async function bareCommits(store: Store): Promise<number> {
  const codes = Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`c:${randomBytes(32).toString('base64url')}${i}`, '1']),
  );
  const sealed = `v1.kid.${randomBytes(12).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < USERS) {
        const tag = Buffer.from(`bare-${next++}`).toString('base64url');
        const result = await store.commit(
          [
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
          ],
          Date.now(),
        );
        if (!result.ok) throw new Error('bare commit failed');
      }
    }),
  );
  return USERS / ((performance.now() - started) / 1000);
}

export async function benchImport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-import-'));
  const [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
  try {
    const file = join(dir, 'users.jsonl');
    await writeUsers(file);
    const sizeMb = statSync(file).size / 2 ** 20;
    console.log(`## import: ${USERS} users (${sizeMb.toFixed(0)} MB of JSONL), concurrency ${CONCURRENCY}\n`);
    const rows: Array<Array<string | number>> = [];
    const targets: Array<{
      name: string;
      url: string;
      store: () => { store: Store; close: () => Promise<unknown> };
    }> = [
      {
        name: 'sqlite',
        url: `sqlite:${join(dir, 'import.db')}`,
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
        store: () => {
          const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
          return { store: new RedisStore({ client, prefix: 'bare:' }), close: () => client.quit() };
        },
      });
    if (postgresServer)
      targets.push({
        name: 'postgres',
        url: `postgres://postgres@127.0.0.1:${postgresServer.port}/postgres?table=import_records`,
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
    for (const target of targets) {
      const imported = await withRss(() => cliImport(file, target.url, dir));
      const { store, close } = target.store();
      if ('createSchema' in store && target.name === 'postgres')
        await (store as PostgresStore).createSchema();
      const bare = await bareCommits(store);
      await close();
      const quarter = Math.floor(imported.samplesMb.length / 4);
      const at = (i: number) => (imported.samplesMb[i] ?? 0).toFixed(0);
      rows.push([
        target.name,
        Math.round(imported.result),
        Math.round(bare),
        `${(imported.result / bare).toFixed(2)}x`,
        `${at(quarter)} / ${at(2 * quarter)} / ${at(imported.samplesMb.length - 1)}`,
        `${imported.peakMb.toFixed(0)} MB`,
      ]);
      console.log(
        `${target.name}: ${Math.round(imported.result)} users/s imported, ${Math.round(bare)} bare`,
      );
    }
    console.log('');
    table(
      ['store', 'import users/s', 'bare commits users/s', 'ratio', 'RSS MB at 1/4, 1/2, end', 'peak RSS'],
      rows,
    );
  } finally {
    await Promise.all([redisServer?.stop(), postgresServer?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
