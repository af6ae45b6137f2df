import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { type RedisServer, servicesRequired, startRedis } from '../helpers/servers.js';
import { ENV, expectResumed, expectSignIns, keysFile, serverStores, tempFolder } from './cli-support.js';

/**
 * `npx factorkit import --workers N` into a server store: each worker opens its own connection and
 * imports its batches whole (issue 23's speed on Redis and PostgreSQL); the main thread reads,
 * dispatches and keeps the journal. These check the commits, the resume after a store outage or a
 * worker's crash, and that the process ends by itself.
 */
const dir = tempFolder('import-workers');
const redisPort = inject('redisPort');
const postgresPort = inject('postgresPort');
const servers = serverStores('w');

/** `import --workers 2` of `path` into `url`, with a journal of its own. */
const workersArgs = (path: string, url: string, journal: string) => [
  'import',
  '--from',
  'jsonl',
  path,
  '--store',
  url,
  '--journal',
  journal,
  '--workers',
  '2',
];

const REPORT_99 =
  'imported: 99\nreplaced: 0\nalready imported: 0\nskipped (enrolled or changed in factorkit): 0\nrefused: 1\n';

for (const server of servers) {
  describe.skipIf(server.skip)(`npx factorkit import --workers 2 --store ${server.name}`, () => {
    it('workers write their batches: the same report as one thread, users sign in; again, each is already imported; a dry run writes nothing', async () => {
      const { path, secrets } = keysFile(dir, `w-${randomUUID()}.jsonl`, 100, 40);
      const url = server.url();
      const args = (store: string, workers: number, more: string[] = []) => [
        ...[
          'import',
          '--from',
          'jsonl',
          path,
          '--store',
          store,
          '--journal',
          join(dir, `${randomUUID()}.jsonl`),
        ],
        ...['--workers', String(workers), '--batch', '8', ...more],
      ];
      const dry = await runCli(args(url, 2, ['--dry-run']), { env: ENV });
      expect(dry.stdout).toContain('would be imported: 99\n');
      const [one, two] = [
        await runCli(args(server.url(), 0), { env: ENV }),
        await runCli(args(url, 2), { env: ENV }),
      ];
      expect(two.stdout).toBe(one.stdout);
      expect(two.stdout).toContain(REPORT_99);
      expect(two.stderr).toContain('line 40 (user u-39): refused');
      expect(two.code).toBe(EXIT.failed);
      for (const secret of secrets) expect(two.stdout + two.stderr).not.toContain(secret);
      await expectSignIns(url, secrets, [0, 38, 40, 99]);
      // Users the store has: each worker reads and decides them (the fingerprint) on its own connection.
      const again = await runCli(args(url, 2), { env: ENV });
      expect(again.stdout).toContain('imported: 0\nreplaced: 0\nalready imported: 99\n');
      const dryAgain = await runCli(args(url, 2, ['--dry-run']), { env: ENV });
      expect(dryAgain.stdout).toContain('would be imported: 0\nwould be replaced: 0\nalready imported: 99\n');
    }, 120_000);

    it('in a process of its own: ends by itself once the run is done (workers and connections closed)', async () => {
      const { path } = keysFile(dir, `exit-${randomUUID()}.jsonl`, 200, 0);
      const run = cliProcess(workersArgs(path, server.url(), join(dir, `${randomUUID()}.jsonl`)));
      expect((await within(run, 60_000)).code).toBe(EXIT.ok);
    }, 90_000);
  });
}

/** Runs the built-from-source CLI in a child process (its own exit: a handle left open would keep it running). */
function cliProcess(args: string[]): {
  child: ChildProcess;
  exit: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    env: { ...process.env, ...ENV },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      child.emit('stderr', stderr);
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  return { child, exit };
}

/** Its exit, or a failure if it has not ended in `ms` (then it is killed): a process that does not end by itself fails the test. */
function within(run: ReturnType<typeof cliProcess>, ms: number): ReturnType<typeof cliProcess>['exit'] {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`the import did not end in ${ms} ms`));
    }, ms);
  });
  return Promise.race([run.exit, late]).finally(() => clearTimeout(timer));
}

describe('npx factorkit import --workers 2: a store lost mid-run', () => {
  let redis: RedisServer | null = null;
  afterAll(async () => redis?.stop());

  it('redis://: killed mid-run, the run fails closed (exit 1) and the process ends; started again, the same command goes on: nothing lost, nothing twice', async () => {
    redis = await startRedis({ persistent: true });
    if (!redis) {
      expect(servicesRequired).toBe(false);
      return;
    }
    const { path, secrets } = keysFile(dir, 'killed.jsonl', 3000, 40);
    const url = `redis://127.0.0.1:${redis.port}?prefix=killed:`;
    const journal = join(dir, 'killed-journal.jsonl');
    const args = workersArgs(path, url, journal);
    const run = cliProcess(args);
    // Killed once both workers are writing, after the first refusal (line 40): batches in flight.
    // Each worker writes on a connection of its own (the main thread's, lazy, is never opened); a
    // worker still starting has none yet, so the connections are counted until both are there.
    let clients = 0;
    let watch: NodeJS.Timeout | undefined;
    const count = () => {
      const list = execFileSync('redis-cli', ['-p', String(redis!.port), 'client', 'list']).toString();
      const writing = list.split('\n').filter((line) => /cmd=(evalsha|eval|info|script)/.test(line));
      clients = Math.max(clients, writing.length);
      if (clients < 2) return;
      clearInterval(watch);
      void redis?.stop();
    };
    run.child.on('stderr', (text: string) => {
      if (text.includes('refused') && watch === undefined) watch = setInterval(count, 20);
    });
    run.exit.then(() => clearInterval(watch));
    const first = await within(run, 60_000);
    expect(clients).toBe(2);
    expect(first.code).toBe(EXIT.failed);
    expect(first.stderr).toMatch(
      /stopped: .+\nwhat was imported is kept; run the same command again to go on\n/,
    );
    expect(existsSync(journal)).toBe(true);

    await redis.start();
    expectResumed(await runCli(args, { env: ENV }), 3000, 1);
    expect(existsSync(journal)).toBe(false);
    await expectSignIns(url, secrets, [0, 38, 40, 1500, 2999]);
  }, 120_000);

  it.skipIf(!postgresPort)(
    'postgres://: its connections ended mid-run (pg_terminate_backend), the run fails closed; the same command goes on: nothing lost, nothing twice',
    async () => {
      const database = `w_killed_${process.pid}`;
      const admin = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${postgresPort}/postgres`,
      });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${database}`);
        const { path, secrets } = keysFile(dir, 'killed-pg.jsonl', 3000, 40);
        const url = `postgres://postgres@127.0.0.1:${postgresPort}/${database}`;
        const journal = join(dir, 'killed-pg-journal.jsonl');
        const args = workersArgs(path, url, journal);
        // A long outage: every connection to the database is ended until the run has stopped.
        let ending: NodeJS.Timeout | undefined;
        let asking: Promise<unknown> = Promise.resolve();
        const endAll = () => {
          asking = asking.then(() =>
            admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
              database,
            ]),
          );
        };
        const first = await runCli(args, {
          env: ENV,
          onErr: (text) => {
            if (text.includes('refused') && !ending) ending = setInterval(endAll, 5);
          },
        });
        clearInterval(ending);
        await asking; // the last ending answered before the next run starts
        expect(first.code).toBe(EXIT.failed);
        expect(first.stderr).toMatch(
          /stopped: .+\nwhat was imported is kept; run the same command again to go on\n/,
        );

        expectResumed(await runCli(args, { env: ENV }), 3000, 1);
        await expectSignIns(url, secrets, [0, 38, 40, 2999]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );
});

describe.skipIf(!redisPort)('npx factorkit import --workers 2: a worker that crashes', () => {
  it('fails the run (exit 1, nothing half-recorded); the same command goes on: nothing lost, nothing twice', async () => {
    const { path, secrets } = keysFile(dir, 'crash.jsonl', 2000, 40);
    const url = `redis://127.0.0.1:${redisPort}?prefix=w-crash-${randomUUID()}:`;
    const journal = join(dir, 'crash-journal.jsonl');
    const args = workersArgs(path, url, journal);
    const workers: Worker[] = [];
    const started = (worker: Worker) => workers.push(worker);
    process.on('worker', started);
    try {
      // One of the run's workers stopped at the first refusal, as a thread that died.
      const first = await runCli(args, {
        env: ENV,
        onErr: (text) => {
          if (text.includes('refused')) void workers[0]?.terminate();
        },
      });
      expect(workers).toHaveLength(2);
      expect(first.code).toBe(EXIT.failed);
      expect(first.stderr).toContain('stopped: an import worker stopped (exit code 1)');
    } finally {
      process.off('worker', started);
    }
    expectResumed(await runCli(args, { env: ENV }), 2000, 1);
    await expectSignIns(url, secrets, [0, 40, 1999]);
  }, 120_000);
});
