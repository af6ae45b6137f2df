import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../test/helpers/servers.js';
import { callgrindFlags, callgrindPhases, hasCallgrind } from './callgrind.js';
import { format, table } from './harness.js';
import { startCollector } from './telemetry-sdk.js';

/**
 * Calls per phase, and the phases: the three sides in turn, each order as often as its mirror
 * (off on floor, floor on off), so no side always follows another. The first cycle settles (V8
 * may still compile hot code on the main thread) and is not counted.
 */
const PHASE_CALLS = 100;
const CYCLE = ['off', 'on', 'floor', 'floor', 'on', 'off'] as const;
const ORDER = [...CYCLE, ...CYCLE, ...CYCLE, ...CYCLE];
const SETTLING = CYCLE.length;
const WARM_UP = 1500;
type Side = (typeof CYCLE)[number];

/**
 * One configuration: the store; traces off (`metrics`: no tracer provider registered, the API's
 * no-op tracer) or the parent-based head sampler's ratio for new traces; whether a host span (a
 * request span, as HTTP instrumentation makes it) wraps each call, on every side.
 */
interface Shape {
  store: 'memory' | 'redis';
  traces: 'metrics' | number;
  host: boolean;
}
const shapeName = (s: Shape) =>
  s.traces === 'metrics' ? `${s.store}/metrics` : `${s.store}/${s.traces}/${s.host ? 'host' : 'bare'}`;

/** What one phase cost: the program's own instructions (compilers and GC taken out), and the GC's. */
interface Phase {
  own: number;
  gc: number;
}

/**
 * Runs bench/telemetry-calls.ts under callgrind, instrumentation off until the warm-up is over,
 * then counts each phase (dumped, which zeroes the counters). A phase of no calls measures what the
 * handshake itself costs (the least of three), taken off every phase. A Prometheus scrape is
 * counted on its own: it costs the same however many calls came before (a handful of series).
 */
async function countInstructions(shape: Shape, where: string, collectorUrl: string, dir: string) {
  const out = join(dir, `cg-${shapeName(shape).replaceAll('/', '-')}`);
  const calls = PHASE_CALLS * ORDER.length;
  // Redis's users are enrolled outside valgrind, by a process of their own, into the same server.
  const usersFile = where === 'memory' ? [] : [`${out}-users.json`];
  if (where !== 'memory')
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/telemetry-calls.ts',
        'prepare',
        where,
        String(3 * WARM_UP + calls),
        usersFile[0]!,
      ],
      { stdio: 'inherit' },
    );
  const child: ChildProcessWithoutNullStreams = spawn(
    'valgrind',
    [
      ...callgrindFlags(out),
      process.execPath,
      // One thread (no concurrent GC or compiler threads) and a fixed Math.random seed (trace ids,
      // so the same calls are sampled): the count is the same from run to run. Bytecode is kept, so
      // no function is flushed and compiled again by chance in one phase.
      '--single-threaded',
      '--random-seed=7',
      '--no-flush-bytecode',
      '--import',
      'tsx',
      'bench/telemetry-calls.ts',
      where,
      String(shape.traces),
      shape.host ? 'host' : 'bare',
      collectorUrl,
      String(WARM_UP),
      String(calls),
      ...usersFile,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const { phase } = await callgrindPhases(child, out);
  const empty: number[] = [];
  for (let i = 0; i < 3; i++) empty.push((await phase('off 0')).own);
  const handshake = Math.min(...empty);
  const counted: Record<Side, Phase[]> = { off: [], on: [], floor: [] };
  for (const [i, side] of ORDER.entries()) {
    const { own, gc } = await phase(`${side} ${PHASE_CALLS}`);
    if (i >= SETTLING) counted[side].push({ own: own - handshake, gc });
  }
  // After the calls: what one scrape of the series they made costs.
  await phase('scrape');
  const scrape = await phase('scrape');
  child.stdin.write('end\n');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ...counted, scrape: scrape.own + scrape.gc };
}

/**
 * Instructions per call of one side: the median phase's own (a phase where V8 compiled late, or
 * a span export fell, costs more by chance), its phases' range, and the GC's mean apart. The GC's
 * share swings between phases by more than telemetry costs (a full collection marks every user the
 * bench prepared, whoever allocated last), so it is shown, not put in the ratios.
 */
function perCall(phases: Phase[]) {
  const own = phases.map((p) => p.own / PHASE_CALLS).sort((a, b) => a - b);
  return {
    own: own[Math.floor(own.length / 2)]!,
    gc: phases.reduce((sum, p) => sum + p.gc, 0) / phases.length / PHASE_CALLS,
    range: `${format(own[0]! / 1000)}-${format(own.at(-1)! / 1000)}`,
  };
}

/** Every shape: metrics alone; traces at 1% (a realistic head sampler), inside a request span and not; traces at 100%. */
const SHAPES: Shape[] = (['memory', 'redis'] as const).flatMap((store) => [
  { store, traces: 'metrics', host: false },
  { store, traces: 0.01, host: true },
  { store, traces: 0.01, host: false },
  { store, traces: 1, host: true },
]);

const caller = (s: Shape) =>
  s.traces === 'metrics' ? 'metrics only' : s.host ? 'in a host span' : 'no parent span';
const sampled = (s: Shape) => (s.traces === 'metrics' ? 'no tracer' : `${s.traces * 100}%`);

/**
 * `npm run bench -- telemetry-instructions [memory/metrics redis/0.01/host ...]`: instructions per
 * `login.verify`, counted by callgrind, without telemetry, with it, and the SDK's floor (the same
 * spans and records asked of the SDK directly, bench/telemetry-floor.ts): repeatable whatever else
 * the machine is doing, where wall and CPU time on a shared machine are not. k = thousands.
 */
export async function benchTelemetryInstructions(only: string[] = []): Promise<void> {
  if (!hasCallgrind()) {
    console.log('valgrind (callgrind) is not installed: instruction counts skipped\n');
    return;
  }
  const redisServer = await startRedis();
  const collector = await startCollector();
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-callgrind-'));
  const shapes = SHAPES.filter((s) => only.length === 0 || only.includes(shapeName(s)));
  const rows: Array<Array<string | number>> = [];
  try {
    for (const shape of shapes) {
      if (shape.store === 'redis' && !redisServer) continue;
      const where = shape.store === 'redis' ? `redis:${redisServer!.port}` : 'memory';
      const counted = await countInstructions(shape, where, collector.url, dir);
      const [off, on, floor] = [perCall(counted.off), perCall(counted.on), perCall(counted.floor)];
      rows.push([
        shape.store,
        caller(shape),
        sampled(shape),
        `${format(off.own / 1000)} (${off.range})`,
        `${format(floor.own / 1000)} (${floor.range})`,
        `${format(on.own / 1000)} (${on.range})`,
        (on.own / off.own).toFixed(3),
        (floor.own / off.own).toFixed(3),
        `${(((on.own - floor.own) / off.own) * 100).toFixed(1)}%`,
        [off, floor, on].map((side) => format(side.gc / 1000)).join(' / '),
        format(counted.scrape / 1000),
      ]);
      console.log(`${rows.at(-1)!.join(' | ')}`);
    }
  } finally {
    collector.stop();
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const perSide = (ORDER.length - SETTLING) / 3;
  console.log(
    `\n## login.verify: instructions per call (callgrind, k = thousands: the median of ${perSide} phases of ${PHASE_CALLS} calls per side, V8's compilers and GC taken out, the phases' range in brackets; the GC's mean per call apart)\n`,
  );
  table(
    [
      'store',
      'caller',
      'traces',
      'off k',
      'SDK floor k',
      'on k',
      'on ÷ off',
      'floor ÷ off',
      "factorkit's own (on − floor) ÷ off",
      'GC k off / floor / on',
      'a scrape k',
    ],
    rows,
  );
}
