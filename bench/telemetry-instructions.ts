import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startRedis } from '../test/helpers/servers.js';
import { format, table } from './harness.js';
import { startCollector } from './telemetry-sdk.js';

/**
 * Calls per phase, and the phases: ABBA three times, so neither side always runs first. The first
 * four settle (V8 still compiles hot code on the main thread then: hundreds of millions of
 * instructions in one phase) and are not counted.
 */
const PHASE_CALLS = 150;
const ORDER = ['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off', 'off', 'on', 'on', 'off'] as const;
const SETTLING = 4;
const WARM_UP = 600;

/** One configuration: the store, the head sampler's ratio, and whether a host span wraps each call. */
interface Shape {
  store: 'memory' | 'redis';
  ratio: number;
  host: boolean;
}

function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The instructions counted since the last dump, read from the dump callgrind just wrote. */
function dumped(file: string): number {
  const totals = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!totals) throw new Error(`no totals in ${file}`);
  return Number(totals[1]);
}

/**
 * Runs bench/telemetry-calls.ts under callgrind, instrumentation off until the warm-up is over,
 * then counts each phase (dumped, which zeroes the counters). A phase of no calls measures what the
 * handshake itself costs (the least of three), taken off every phase. A Prometheus scrape is
 * counted on its own: it costs the same however many calls came before (a handful of series).
 */
async function countInstructions(shape: Shape, where: string, collectorUrl: string, dir: string) {
  const out = join(dir, `cg-${shape.store}-${shape.ratio}-${shape.host ? 'host' : 'bare'}`);
  const child: ChildProcessWithoutNullStreams = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${out}`,
      process.execPath,
      // One thread (no concurrent GC or compiler threads) and a fixed Math.random seed (trace ids,
      // so the same calls are sampled): the count is the same from run to run.
      '--single-threaded',
      '--random-seed=7',
      '--import',
      'tsx',
      'bench/telemetry-calls.ts',
      where,
      String(shape.ratio),
      shape.host ? 'host' : 'bare',
      collectorUrl,
      String(WARM_UP),
      String(PHASE_CALLS * ORDER.length),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = async () => {
    const next = await lines.next();
    if (next.done) throw new Error(`the calls process ended early:\n${stderr.slice(-2000)}`);
    return next.value;
  };
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
  let dumps = 0;
  const phase = async (command: string) => {
    child.stdin.write(`${command}\n`);
    await line();
    control('--dump');
    return dumped(`${out}.${++dumps}`);
  };
  while ((await line()) !== 'ready');
  control('--instr=on');
  const empty: number[] = [];
  for (let i = 0; i < 3; i++) empty.push(await phase('off 0'));
  const handshake = Math.min(...empty);
  const counted = { off: [] as number[], on: [] as number[], scrape: 0 };
  for (const [i, side] of ORDER.entries()) {
    const count = (await phase(`${side} ${PHASE_CALLS}`)) - handshake;
    if (i >= SETTLING) counted[side].push(count);
  }
  // After the calls: what one scrape of the series they made costs.
  await phase('scrape');
  counted.scrape = await phase('scrape');
  child.stdin.write('end\n');
  await new Promise((resolve) => child.once('exit', resolve));
  return counted;
}

/**
 * Per call, in thousands: the least phase (the steady cost: a phase with a major collection or a
 * late compilation in it costs more by chance) and, in brackets, the median and the greatest.
 */
const perCall = (phases: number[]) => Math.min(...phases) / PHASE_CALLS;
const spread = (phases: number[]) => {
  const each = phases.map((p) => p / PHASE_CALLS / 1000).sort((a, b) => a - b);
  return `${format(each[Math.floor(each.length / 2)]!)}, ${format(each.at(-1)!)}`;
};

/**
 * `npm run bench -- telemetry-instructions`: instructions per `login.verify`, counted by callgrind,
 * without and with telemetry: repeatable whatever else the machine is doing, where wall and CPU
 * time on a shared machine are not. Thousands of instructions (k) per call. Arguments (`memory/0.1/host`, `redis/0/bare` ...) pick shapes.
 */
export async function benchTelemetryInstructions(only: string[] = []): Promise<void> {
  if (!hasValgrind()) {
    console.log('valgrind (callgrind) is not installed: instruction counts skipped\n');
    return;
  }
  const redisServer = await startRedis();
  const collector = await startCollector();
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-callgrind-'));
  // `memory/0.1/host` ... runs only those shapes.
  const all: Shape[] = (['memory', 'redis'] as const)
    .flatMap((store) => [false, true].flatMap((host) => [0, 0.1, 1].map((ratio) => ({ store, ratio, host }))))
    .filter((s) => only.length === 0 || only.includes(`${s.store}/${s.ratio}/${s.host ? 'host' : 'bare'}`));
  const rows: Array<Array<string | number>> = [];
  try {
    for (const shape of all) {
      if (shape.store === 'redis' && !redisServer) continue;
      const where = shape.store === 'redis' ? `redis:${redisServer!.port}` : 'memory';
      const { off, on, scrape } = await countInstructions(shape, where, collector.url, dir);
      const [without, withIt] = [perCall(off), perCall(on)];
      rows.push([
        shape.store,
        shape.host ? 'inside a host span' : 'no parent span',
        `${shape.ratio * 100}%`,
        `${format(without / 1000)} (${spread(off)})`,
        `${format(withIt / 1000)} (${spread(on)})`,
        format((withIt - without) / 1000),
        (withIt / without).toFixed(3),
        format(scrape / 1000),
      ]);
      console.log(`${rows.at(-1)!.join(' | ')}`);
    }
  } finally {
    collector.stop();
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\n## login.verify: instructions per call (callgrind, k = thousands; the least of ${(ORDER.length - SETTLING) / 2} phases of ${PHASE_CALLS} calls per side, then the median and the greatest)\n`,
  );
  table(
    ['store', 'caller', 'sampled', 'without k', 'with k', 'added k', 'with ÷ without', 'a scrape k'],
    rows,
  );
}
