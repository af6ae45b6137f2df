import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { startRedis } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, table } from './harness.js';

const RUNS = [
  { concurrency: 1, total: 1500 },
  { concurrency: 32, total: 4000 },
];
const WARM_UP = 300;
/** Each tree measured this many times, alternating, so a burst of load on the machine hits both. */
const ROUNDS = 5;

type Prepare = typeof prepare;
interface Tree {
  name: string;
  prepare: Prepare;
  memory: () => Store;
  redis: (client: Redis) => Store;
}

/**
 * The tree to compare with: `BENCH_BASE` (a checkout's path), or the `main` branch written out by
 * `git archive` into a temporary folder with this tree's node_modules beside it.
 */
async function baseTree(): Promise<{ tree: Tree; remove: () => void }> {
  const given = process.env['BENCH_BASE'];
  const dir = given ? resolve(given) : mkdtempSync(join(tmpdir(), 'factorkit-base-'));
  if (!given) {
    execFileSync('sh', ['-c', `git archive ${process.env['BENCH_BASE_REF'] ?? 'main'} | tar -x -C "${dir}"`]);
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  }
  if (!existsSync(join(dir, 'bench/stores.ts'))) throw new Error(`no bench/stores.ts in ${dir}`);
  const stores = (await import(join(dir, 'bench/stores.ts'))) as { prepare: Prepare };
  const entry = (await import(join(dir, 'src/entries/index.ts'))) as { MemoryStore: new () => Store };
  const redis = (await import(join(dir, 'src/entries/redis.ts'))) as {
    RedisStore: new (options: { client: Redis }) => Store;
  };
  return {
    tree: {
      name: 'before',
      prepare: stores.prepare,
      memory: () => new entry.MemoryStore(),
      redis: (client) => new redis.RedisStore({ client }),
    },
    remove: () => (given ? undefined : rmSync(dir, { recursive: true, force: true })),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * `login.verify` with a correct TOTP code through this tree's method registry ("after") beside the
 * same call on the tree before it ("before", `main` unless `BENCH_BASE` names another), in one
 * run, alternating round by round, on a MemoryStore and on Redis (each tree on its own database):
 * what the registry's indirection costs. Medians of the rounds' CPU time per call, p50 and p99.
 */
export async function benchMethods(): Promise<void> {
  const { tree: before, remove } = await baseTree();
  const after: Tree = {
    name: 'after',
    prepare,
    memory: () => new MemoryStore(),
    redis: (client) => new RedisStore({ client }),
  };
  const server = await startRedis();
  const clients = server ? [0, 1].map((db) => new Redis({ host: '127.0.0.1', port: server.port, db })) : null;
  if (!server) console.log('redis-server not installed: Redis rows skipped\n');
  const stores = [
    { name: 'memory', make: (tree: Tree) => tree.memory() },
    ...(clients
      ? [{ name: 'redis', make: (tree: Tree) => tree.redis(clients[tree === before ? 1 : 0]!) }]
      : []),
  ];
  const rows: Array<Array<string | number>> = [];
  for (const store of stores) {
    for (const run of RUNS) {
      const samples = new Map<Tree, Array<{ p50: number; p99: number; ops: number; cpuUs: number }>>([
        [before, []],
        [after, []],
      ]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const tree of round % 2 === 0 ? [before, after] : [after, before]) {
          const count = WARM_UP + run.total;
          const { tf, users } = await tree.prepare(
            store.make(tree),
            count,
            `${tree.name}-${run.concurrency}-${round}`,
          );
          let failures = 0;
          const verify = async (i: number) => {
            if (!(await tf.login.verify(users[i]!.challengeId, users[i]!.code)).ok) failures++;
          };
          await measureAsync(verify, { concurrency: run.concurrency, total: WARM_UP });
          const cpu = process.cpuUsage();
          const m = await measureAsync((i) => verify(WARM_UP + i), run);
          const used = process.cpuUsage(cpu);
          if (failures > 0) throw new Error(`${failures} verifies failed (${tree.name}, ${store.name})`);
          const cpuUs = (used.user + used.system) / run.total;
          samples.get(tree)!.push({ p50: m.p50, p99: m.p99, ops: m.opsPerSecond, cpuUs });
        }
      }
      const sum = (tree: Tree) => ({
        p50: median(samples.get(tree)!.map((s) => s.p50)),
        p99: median(samples.get(tree)!.map((s) => s.p99)),
        ops: median(samples.get(tree)!.map((s) => s.ops)),
        cpuUs: median(samples.get(tree)!.map((s) => s.cpuUs)),
      });
      const ratio = (x: number, y: number) => (x / y).toFixed(2);
      const b = sum(before);
      const a = sum(after);
      rows.push(
        [store.name, String(run.concurrency), 'before', b.cpuUs.toFixed(1), b.ops, b.p50, b.p99, ''],
        [
          store.name,
          String(run.concurrency),
          'after',
          a.cpuUs.toFixed(1),
          a.ops,
          a.p50,
          a.p99,
          `${ratio(a.cpuUs, b.cpuUs)} / ${ratio(a.p50, b.p50)} / ${ratio(a.p99, b.p99)}`,
        ],
      );
    }
  }
  console.log(
    `## login.verify (correct TOTP code) before and after the method registry (median of ${ROUNDS} alternating rounds; ms)\n`,
  );
  table(
    [
      'store',
      'concurrency',
      'tree',
      'CPU µs/call',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'after ÷ before (CPU / p50 / p99)',
    ],
    rows,
  );
  console.log(
    "CPU µs/call: this process only (facade, client and event loop; not the Redis server), which a shared machine's load disturbs far less than latency.\n",
  );
  for (const client of clients ?? []) await client.quit();
  await server?.stop();
  remove();
}
