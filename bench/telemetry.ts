import * as api from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { startRedis } from '../test/helpers/servers.js';
import { benchTwoFactor, prepare } from './bench-facade.js';
import { format, table } from './harness.js';
import { startCollector, startSdk } from './telemetry-sdk.js';

/** Verifies per block; blocks alternate between the two facades so drift on the machine hits both. */
const BLOCK = 250;
const BLOCKS = 20;
const WARM_UP = 300;

type Side = 'without' | 'with';

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const median = (values: number[]) =>
  pick(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/**
 * `login.verify` with a correct code through two facades on one store, without and with
 * telemetry, in alternating blocks (ABBA). With `host`, each call runs inside a request span, as a
 * host's HTTP instrumentation makes it (on both sides: the host's span is not factorkit's cost).
 * Per block pair: the ratio of CPU per call and of p50; their median and range are the spread.
 */
async function compare(name: string, store: Store, host: boolean) {
  // Fresh users per series: a code verified once is a replay the next time.
  const { users } = await prepare(store, 2 * (WARM_UP + BLOCK * BLOCKS), `otel-${name}-${Date.now()}`);
  const facades = {
    without: benchTwoFactor(store, undefined, { openTelemetry: false }),
    with: benchTwoFactor(store, undefined, { openTelemetry: api }),
  };
  const tracer = api.trace.getTracer('host');
  const samples = { without: [] as number[], with: [] as number[] };
  const blocks = {
    without: [] as Array<{ cpuUs: number; p50: number }>,
    with: [] as Array<{ cpuUs: number; p50: number }>,
  };
  let next = 0;
  const verify = async (which: Side) => {
    const user = users[next++]!;
    const result = await facades[which].login.verify(user.challengeId, user.code);
    if (!result.ok) throw new Error(`verify failed on ${name}: ${JSON.stringify(result)}`);
  };
  const call = (which: Side) =>
    host
      ? tracer.startActiveSpan('POST /2fa/login/verify', async (span) => {
          await verify(which);
          span.end();
        })
      : verify(which);
  const run = async (which: Side, count: number, keep: boolean) => {
    const block: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      await call(which);
      block.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const used = process.cpuUsage(cpu);
    if (!keep) return;
    samples[which].push(...block);
    blocks[which].push({ cpuUs: (used.user + used.system) / count, p50: median(block) });
  };
  await run('without', WARM_UP, false);
  await run('with', WARM_UP, false);
  for (let block = 0; block < BLOCKS; block++) {
    const order: Side[] = block % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const which of order) await run(which, BLOCK, true);
  }
  const side = (which: Side) => {
    const sorted = [...samples[which]].sort((a, b) => a - b);
    const cpu = blocks[which].reduce((sum, b) => sum + b.cpuUs, 0) / BLOCKS;
    return { p50: pick(sorted, 0.5), p99: pick(sorted, 0.99), cpu };
  };
  const [off, on] = [side('without'), side('with')];
  const pairs = (key: 'cpuUs' | 'p50') =>
    blocks.with.map((b, i) => b[key] / blocks.without[i]![key]).sort((a, b) => a - b);
  const range = (ratios: number[]) =>
    `${median(ratios).toFixed(3)} (${ratios[0]!.toFixed(2)}-${ratios.at(-1)!.toFixed(2)})`;
  return { off, on, cpuPairs: range(pairs('cpuUs')), p50Pairs: range(pairs('p50')) };
}

/**
 * The SDK's configurations: metrics alone (no tracer provider registered); traces through a
 * parent-based head sampler at 1% of new traces (a realistic production ratio), inside a host's
 * request span (as HTTP instrumentation makes it) and outside any; traces at 100%.
 */
const CONFIGURATIONS: Array<{ traces: number | null; host: boolean }> = [
  { traces: null, host: false },
  { traces: 0.01, host: true },
  { traces: 0.01, host: false },
  { traces: 1, host: true },
];

/**
 * `npm run bench -- telemetry`: the cost of OpenTelemetry on `login.verify` (correct TOTP code, one
 * connection), the same calls in one process without and with a real SDK and exporters attached:
 * spans batched to an OTLP/HTTP collector (its own process), metrics scraped from the Prometheus
 * exporter every second. Wall and CPU time on a shared machine move; `npm run bench --
 * telemetry-instructions` counts instructions instead.
 */
export async function benchTelemetry(only: string[] = []): Promise<void> {
  const redisServer = await startRedis();
  const client = redisServer ? new Redis({ host: '127.0.0.1', port: redisServer.port }) : null;
  const collector = await startCollector();
  console.log(
    `## login.verify without and with the OpenTelemetry SDK (${BLOCKS} alternating blocks of ${BLOCK} per side; p50 and p99 in ms, CPU in µs per call)\n`,
  );
  const rows: Array<Array<string | number>> = [];
  let scrapes = 0;
  const name = ({ traces, host }: (typeof CONFIGURATIONS)[number]) =>
    traces === null ? 'metrics' : `${traces}/${host ? 'host' : 'bare'}`;
  // `metrics`, `0.01/host`, `0.01/bare`, `1/host`: only those configurations.
  for (const { traces, host } of CONFIGURATIONS.filter((c) => only.length === 0 || only.includes(name(c)))) {
    const sdk = await startSdk({ sampleRatio: traces, collectorUrl: collector.url });
    const scraper = setInterval(() => void sdk.scrape().catch(() => undefined), 1000);
    const targets: Array<[string, Store]> = [['memory', new MemoryStore()]];
    if (client) targets.unshift(['redis', new RedisStore({ client })]);
    for (const [name, store] of targets) {
      const { off, on, cpuPairs, p50Pairs } = await compare(name, store, host);
      rows.push([
        name,
        traces === null ? 'metrics only' : host ? 'in a host span' : 'no parent span',
        traces === null ? 'no tracer' : `${traces * 100}%`,
        `${format(off.p50)} / ${format(on.p50)}`,
        `${format(off.p99)} / ${format(on.p99)}`,
        `${format(off.cpu)} / ${format(on.cpu)}`,
        (on.p50 / off.p50).toFixed(3),
        (on.p99 / off.p99).toFixed(3),
        (on.cpu / off.cpu).toFixed(3),
        p50Pairs,
        cpuPairs,
      ]);
      console.log(rows.at(-1)!.join(' | '));
    }
    clearInterval(scraper);
    scrapes += sdk.scrapes();
    await sdk.stop();
  }
  if (!client) console.log('redis-server not installed: Redis rows skipped\n');
  console.log('');
  table(
    [
      'store',
      'caller',
      'traces',
      'p50 ms without / with',
      'p99 ms',
      'CPU µs/call',
      'p50 ratio',
      'p99 ratio',
      'CPU ratio',
      'p50 ratio per block pair: median (range)',
      'CPU ratio per block pair',
    ],
    rows,
  );
  console.log(`(${scrapes} Prometheus scrapes during the runs)\n`);
  collector.stop();
  await client?.quit();
  await redisServer?.stop();
}
