import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRedis } from '../test/helpers/servers.js';
import { countAdapterInstructions, ENDPOINT_NAMES, PER_PHASE } from './adapter-instructions.js';
import { bundleForBench } from './bundle.js';
import { callgrindFlags, callgrindPhases, hasCallgrind } from './callgrind.js';
import { format, table } from './harness.js';

/** Phases of 100 calls, right and wrong in turn and mirrored; the first cycle settles, uncounted. */
const PHASE_CALLS = 100;
const FACADE = ['right', 'wrong', 'wrong', 'right'] as const;
/** On a MemoryStore, the HTTP layer's verify route too: a wrong code, and no pending login. */
const WITH_HTTP = ['right', 'wrong', 'http', 'none', 'none', 'http', 'wrong', 'right'] as const;
const WARM_UP = 1000;
type Side = (typeof WITH_HTTP)[number];
const orderOf = (cycle: readonly Side[]) => [...cycle, ...cycle, ...cycle, ...cycle];
/** Users needed: one per right code, one per ten wrong ones, with room. */
const USERS = WARM_UP + 8 * PHASE_CALLS + (WARM_UP + 8 * PHASE_CALLS) / 10 + 50;

/** Node's flags under valgrind: one thread, fixed seed, bytecode kept (no flush-and-recompile by chance). */
const NODE_FLAGS = [
  '--single-threaded',
  '--random-seed=7',
  '--no-flush-bytecode',
  // V8's memory reducer starts collections on timers: under valgrind their number follows the load.
  '--no-memory-reducer',
];

/**
 * Runs bench/verify-calls.ts (from `tree`: this checkout, or another one's; bundled as the package
 * is built, bench/bundle.ts) under callgrind,
 * instrumentation off for the warm-up, then counts each phase (dumped, which zeroes the counters),
 * less what a phase of no calls costs (the handshake). Redis's users are prepared outside valgrind.
 */
async function countInstructions(tree: string, where: string, dir: string, name: string) {
  let source = String(USERS);
  if (where !== 'memory') {
    source = join(dir, `users-${name}.json`);
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bench/verify-calls.ts', 'prepare', where, String(USERS), source],
      {
        cwd: tree,
        stdio: 'inherit',
      },
    );
  }
  const out = join(dir, `cg-${name}`);
  const cycle: readonly Side[] = where === 'memory' ? WITH_HTTP : FACADE;
  const order = orderOf(cycle);
  const child: ChildProcessWithoutNullStreams = spawn(
    'valgrind',
    [
      ...callgrindFlags(out),
      process.execPath,
      ...NODE_FLAGS,
      bundleForBench(tree, 'bench/verify-calls.ts'),
      'run',
      where,
      source,
      String(WARM_UP),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], cwd: tree },
  );
  const { phase } = await callgrindPhases(child, out);
  const empty: number[] = [];
  for (let i = 0; i < 3; i++) empty.push((await phase('right 0')).own);
  const handshake = Math.min(...empty);
  const counted: Record<Side, Array<{ own: number; gc: number }>> = {
    right: [],
    wrong: [],
    http: [],
    none: [],
  };
  for (const [i, side] of order.entries()) {
    const { own, gc } = await phase(`${side} ${PHASE_CALLS}`);
    if (i >= cycle.length) counted[side].push({ own: own - handshake, gc });
  }
  child.stdin.write('end\n');
  await new Promise((resolve) => child.once('exit', resolve));
  return counted;
}

const CALLS: Record<Side, string> = {
  right: 'login.verify, right code',
  wrong: 'login.verify, wrong code',
  http: 'HTTP layer verify route, wrong code',
  none: 'HTTP layer verify route, no pending login',
};

/** Per call: the median phase's own instructions, the phases' range, the GC's mean apart. */
function perCall(phases: Array<{ own: number; gc: number }>, calls = PHASE_CALLS) {
  const own = phases.map((p) => p.own / calls).sort((a, b) => a - b);
  return {
    own: own[Math.floor(own.length / 2)]!,
    gc: phases.reduce((sum, p) => sum + p.gc, 0) / phases.length / calls,
    range: `${format(own[0]! / 1000)}-${format(own.at(-1)! / 1000)}`,
  };
}

/**
 * `npm run bench -- verify-instructions [memory|redis|adapters ...]`: instructions per `login.verify`
 * (a right and a wrong code), counted by callgrind, on this tree and, with `BENCH_BASE=<checkout>`
 * (its own node_modules), on that one too; `adapters`: per request of each adapter's server (Express,
 * Fastify, Hono) beside its framework's bare route. Repeatable whatever load the machine carries.
 * k = thousands.
 */
export async function benchVerifyInstructions(only: string[] = []): Promise<void> {
  if (!hasCallgrind()) {
    console.log('valgrind (callgrind) is not installed: instruction counts skipped\n');
    return;
  }
  const trees: Array<[string, string]> = [['this tree', process.cwd()]];
  if (process.env['BENCH_BASE']) trees.unshift(['base', resolve(process.env['BENCH_BASE'])]);
  const redisServer = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-verify-cg-'));
  const rows: Array<Array<string | number>> = [];
  try {
    for (const store of ['memory', 'redis'] as const) {
      if (only.length > 0 && !only.includes(store)) continue;
      if (store === 'redis' && !redisServer) continue;
      for (const [label, tree] of trees) {
        const where = store === 'redis' ? `redis:${redisServer!.port}` : 'memory';
        const counted = await countInstructions(tree, where, dir, `${store}-${rows.length}`);
        for (const side of ['right', 'wrong', 'http', 'none'] as const) {
          if (counted[side].length === 0) continue;
          const { own, gc, range } = perCall(counted[side]);
          rows.push([store, label, CALLS[side], `${format(own / 1000)} (${range})`, format(gc / 1000)]);
          console.log(rows.at(-1)!.join(' | '));
        }
      }
    }
    if (only.length === 0 || only.includes('adapters')) {
      for (const [label, tree] of trees) {
        const sides = await countAdapterInstructions(tree, dir, `adapters-${rows.length}`, NODE_FLAGS);
        const bare = new Map<string, number>();
        for (const { adapter, endpoint, phases } of sides) {
          const { own, gc, range } = perCall(phases, PER_PHASE);
          if (endpoint === 'bare') bare.set(adapter, own);
          const ratio = (own / bare.get(adapter)!).toFixed(2);
          const call = `${adapter}: ${ENDPOINT_NAMES[endpoint]} (÷ bare ${ratio})`;
          rows.push(['HTTP', label, call, `${format(own / 1000)} (${range})`, format(gc / 1000)]);
          console.log(rows.at(-1)!.join(' | '));
        }
      }
    }
  } finally {
    await redisServer?.stop();
    if (!process.env['BENCH_KEEP']) rmSync(dir, { recursive: true, force: true });
    else console.log(`callgrind files kept in ${dir}`);
  }
  const perSide = 6;
  console.log(
    `\n## login.verify: instructions per call (callgrind, k = thousands: the median of ${perSide} phases of ${PHASE_CALLS} calls, V8's compilers and GC taken out, the range in brackets; the GC's mean apart; HTTP: the whole server process per request, on a MemoryStore)\n`,
  );
  table(['store', 'tree', 'call', 'own k', 'GC k'], rows);
}
