/**
 * `npm run bench -- import`: 100,000 users from a JSONL file (a TOTP key and ten better-auth-style
 * backup codes each) through `npx factorkit import` into SQLite, Redis and PostgreSQL, with
 * `IMPORT_WORKERS` worker threads (default: the CLI's, at least one; `1,2` runs one import with each)
 * and then on the main thread alone (`--workers 0`), beside the floor: the same rows written with
 * bare commits (two puts, values precomputed: no validation, no sealing, no read), one per user and,
 * as the import sends them, `IMPORT_BATCH` users per `commitEach`. The process's RSS is sampled all
 * along: it stays flat while the file streams. Each run's CPU per user is split by thread (the main
 * thread, the workers, the store server's processes) and projected to a machine with enough cores
 * (bench/import-projection.ts). Bounded: two imports per store and one more per extra worker count.
 * `IMPORT_USERS`, `IMPORT_CONCURRENCY` and `IMPORT_BATCH` change it; `IMPORT_STORES`
 * (`sqlite,redis,postgres` by default) picks the stores.
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
import { printProjection, type ThreadRun } from './import-projection.js';
import { postmasterPid, redisPid } from './server-cost.js';
import { type CpuPerUser, cpuPerUser, cpuSnapshot, lessStartUp } from './thread-cpu.js';

const USERS = Number(process.env['IMPORT_USERS'] ?? 100_000);
const CONCURRENCY = Number(process.env['IMPORT_CONCURRENCY'] ?? 32);
const BATCH = Number(process.env['IMPORT_BATCH'] ?? 16);
const STORES = (process.env['IMPORT_STORES'] ?? 'sqlite,redis,postgres').split(',');
/**
 * Worker counts, one import each (`IMPORT_WORKERS=1,2`). At least one by default: on two cores the
 * CLI's default is none, and the run compares workers with none.
 */
const WORKERS = (
  process.env['IMPORT_WORKERS'] ?? String(Math.min(4, Math.max(1, availableParallelism() - 2)))
).split(',');
const KEY = randomBytes(32).toString('base64url');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The floors' runs in the thread table. */
const FLOOR = 'floor, 1 per commit';
const BATCHED_FLOOR = `floor, ${BATCH} per commitEach`;

const code = () =>
  Array.from(randomBytes(10), (b, i) => (i === 5 ? '-' : '') + ALPHABET[b % ALPHABET.length]).join('');

/** Writes the JSONL file of `count` users, streaming. */
async function writeUsers(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
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

/** A PostgreSQL backend's CPU joins the postmaster's sum once reaped, just after its pool closes. */
const REAPED_MS = 300;

/**
 * `run`'s users/s and this process's CPU per user (µs: user + system), which a busy machine does
 * not inflate, in all and by thread with the store server's (`serverPid`, null for SQLite).
 */
async function timed(
  run: () => Promise<void>,
  serverPid: number | null,
): Promise<{ perSecond: number; cpuUs: number; threads: CpuPerUser; load: number }> {
  const before = cpuSnapshot(serverPid);
  const started = performance.now();
  await run();
  const perSecond = USERS / ((performance.now() - started) / 1000);
  const usage = process.cpuUsage();
  const spentNs = (usage.user + usage.system) * 1000 - before.processNs;
  await new Promise((resolve) => setTimeout(resolve, REAPED_MS));
  return {
    perSecond,
    cpuUs: spentNs / 1000 / USERS,
    threads: cpuPerUser(before, cpuSnapshot(serverPid), USERS),
    load: loadavg()[0]!,
  };
}

/** `npx factorkit import --from jsonl` in this process (its workers: threads of this process). */
async function cliImport(
  file: string,
  storeUrl: string,
  dir: string,
  workers: string | undefined,
  users = USERS,
): Promise<void> {
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
  const args = ['import', '--from', 'jsonl', file, '--store', storeUrl, '--concurrency', String(CONCURRENCY)];
  args.push('--batch', String(BATCH), ...(workers === undefined ? [] : ['--workers', workers]));
  const code = await main(
    [...args, '--journal', join(dir, `journal-${randomBytes(4).toString('hex')}.jsonl`)],
    io,
  );
  if (code !== 0 || !stdout.includes(`imported: ${users}\n`))
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
    await writeUsers(file, USERS);
    // One batch: what an import costs whatever its size (the workers' start, from source through
    // tsx), taken out of the thread table's per-user CPU.
    const startFile = join(dir, 'start.jsonl');
    await writeUsers(startFile, BATCH);
    const sizeMb = statSync(file).size / 2 ** 20;
    console.log(
      `## import: ${USERS} users (${sizeMb.toFixed(0)} MB of JSONL), concurrency ${CONCURRENCY}, batch ${BATCH}, workers ${WORKERS.join(' then ')} (${availableParallelism()} cores)\n`,
    );
    const rows: Array<Array<string | number>> = [];
    const threadRuns: ThreadRun[] = [];
    const targets: Array<{
      name: string;
      /** The store of the import run `run`, empty. */
      url: (run: string) => string;
      store: () => { store: Store; serverPid: Promise<number | null>; close: () => Promise<unknown> };
    }> = [
      {
        name: 'sqlite',
        url: (run) => `sqlite:${join(dir, `${run}.db`)}`,
        store: () => {
          const store = new SqliteStore({ filename: join(dir, 'bare.db') });
          store.createSchema();
          return { store, serverPid: Promise.resolve(null), close: async () => store.close() };
        },
      },
    ];
    if (redisServer)
      targets.push({
        name: 'redis',
        url: (run) => `redis://127.0.0.1:${redisServer.port}?prefix=${run}:`,
        store: () => {
          // As the CLI's client (src/cli/open-store.ts): a batch's scripts in one write.
          const client = new Redis({ host: '127.0.0.1', port: redisServer.port, enableAutoPipelining: true });
          const store = new RedisStore({ client, prefix: 'bare:' });
          return { store, serverPid: redisPid(client), close: () => client.quit() };
        },
      });
    if (postgresServer)
      targets.push({
        name: 'postgres',
        url: (run) => `postgres://postgres@127.0.0.1:${postgresServer.port}/postgres?table=${run}_records`,
        store: () => {
          const pool = new pg.Pool({
            host: '127.0.0.1',
            port: postgresServer.port,
            user: 'postgres',
            database: 'postgres',
            max: 8,
          });
          const store = new PostgresStore({ pool, table: 'bare_records' });
          return { store, serverPid: postmasterPid(pool), close: () => pool.end() };
        },
      });
    for (const target of targets.filter((t) => STORES.includes(t.name))) {
      // The floor's store first, kept open: the server's pid, and its connections ready.
      const { store, serverPid, close } = target.store();
      if (target.name === 'postgres') await (store as PostgresStore).createSchema();
      const pid = await serverPid;
      const startUp = async (workers: string) =>
        (await timed(() => cliImport(startFile, target.url(`start${workers}`), dir, workers, BATCH), pid))
          .threads;
      const imports = [];
      for (const workers of WORKERS) {
        const run = () => cliImport(file, target.url(`import${workers}`), dir, workers);
        imports.push({ workers, startUp: await startUp(workers), ...(await withRss(() => timed(run, pid))) });
      }
      const aloneStartUp = await startUp('0');
      const alone = await timed(() => cliImport(file, target.url('alone'), dir, '0'), pid);
      const bare = await timed(() => bareCommits(store, 'bare', 1), pid);
      const batched = await timed(() => bareCommits(store, 'batched', BATCH), pid);
      const load = loadavg()[0]!.toFixed(1);
      await close();
      for (const imported of imports) {
        const quarter = Math.floor(imported.samplesMb.length / 4);
        const at = (i: number) => (imported.samplesMb[i] ?? 0).toFixed(0);
        const rate = imported.result.perSecond;
        const workerCount = Number(imported.workers);
        rows.push([
          `${target.name} (${workerCount} worker${workerCount === 1 ? '' : 's'})`,
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
        const run = `import, ${workerCount} worker${workerCount === 1 ? '' : 's'}`;
        const threads = lessStartUp(imported.result.threads, imported.startUp);
        const { startUp } = imported;
        threadRuns.push({
          store: target.name,
          run,
          workers: workerCount,
          ...imported.result,
          threads,
          startUp,
        });
      }
      threadRuns.push(
        {
          store: target.name,
          run: 'import, main thread alone',
          workers: 0,
          ...alone,
          threads: lessStartUp(alone.threads, aloneStartUp),
          startUp: aloneStartUp,
        },
        { store: target.name, run: FLOOR, workers: 0, ...bare, startUp: null },
        { store: target.name, run: BATCHED_FLOOR, workers: 0, ...batched, startUp: null },
      );
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
    printProjection(threadRuns, USERS, FLOOR, BATCHED_FLOOR);
  } finally {
    await Promise.all([redisServer?.stop(), postgresServer?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
