import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { startRedis } from '../test/helpers/servers.js';
import { benchTwoFactor } from './bench-facade.js';
import { table } from './harness.js';
import { prepare } from './stores.js';

/** Verifies per block; blocks alternate between the two facades so drift on the machine hits both. */
const BLOCK = 250;
const BLOCKS = 16;
const WARM_UP = 300;

/**
 * A real SDK with real exporters: spans batched to an OTLP/HTTP collector on loopback (a sink that
 * reads and drops each request), metrics pulled by a scraper from the Prometheus exporter every
 * second, as a Prometheus server would. `sampleRatio` is the head sampler's ratio for new traces.
 */
async function startSdk(sampleRatio: number) {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as AddressInfo).port;
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${sinkPort}/v1/traces` })),
    ],
  });
  api.trace.setGlobalTracerProvider(tracerProvider);
  const prometheus = new PrometheusExporter({ port: 0, host: '127.0.0.1', preventServerStart: true });
  await prometheus.startServer();
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  api.metrics.setGlobalMeterProvider(meterProvider);
  const metricsUrl = `http://127.0.0.1:${(prometheus as unknown as { _server: { address(): AddressInfo } })._server.address().port}/metrics`;
  let scrapes = 0;
  const scraper = setInterval(() => {
    void fetch(metricsUrl)
      .then((r) => r.text())
      .then(() => scrapes++)
      .catch(() => undefined);
  }, 1000);
  return {
    scrapes: () => scrapes,
    async stop() {
      clearInterval(scraper);
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      await new Promise((resolve) => sink.close(resolve));
      api.trace.disable();
      api.metrics.disable();
      api.context.disable();
    },
  };
}

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** `login.verify` with a correct code, without and with the SDK, alternating blocks; latency and CPU per call. */
async function compare(name: string, store: Store, label: string) {
  // Fresh users per series: a code verified once is a replay the next time.
  const { users } = await prepare(
    store,
    2 * (WARM_UP + BLOCK * BLOCKS),
    `otel-${name}-${label.length}-${Date.now()}`,
  );
  const facades = {
    without: benchTwoFactor(store, undefined, { openTelemetry: false }),
    with: benchTwoFactor(store, undefined, { openTelemetry: api }),
  };
  const samples = { without: [] as number[], with: [] as number[] };
  const cpuUs = { without: 0, with: 0 };
  let next = 0;
  const run = async (which: 'without' | 'with', count: number, keep: boolean) => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const user = users[next++]!;
      const t0 = process.hrtime.bigint();
      const result = await facades[which].login.verify(user.challengeId, user.code);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!result.ok) throw new Error(`verify failed on ${name}`);
      if (keep) samples[which].push(ms);
    }
    const used = process.cpuUsage(cpu);
    if (keep) cpuUs[which] += used.user + used.system;
  };
  await run('without', WARM_UP, false);
  await run('with', WARM_UP, false);
  for (let block = 0; block < BLOCKS; block++) {
    // ABBA order: neither side always runs first.
    const order: Array<'without' | 'with'> = block % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const which of order) await run(which, BLOCK, true);
  }
  const rows = (['without', 'with'] as const).map((which) => {
    const sorted = [...samples[which]].sort((a, b) => a - b);
    return {
      which,
      p50: pick(sorted, 0.5),
      p99: pick(sorted, 0.99),
      cpu: cpuUs[which] / samples[which].length,
    };
  });
  const [off, on] = rows as [(typeof rows)[0], (typeof rows)[0]];
  return [
    [name, 'without (openTelemetry: false)', off.p50, off.p99, off.cpu, '1.00 / 1.00 / 1.00'],
    [
      name,
      label,
      on.p50,
      on.p99,
      on.cpu,
      `${(on.p50 / off.p50).toFixed(3)} / ${(on.p99 / off.p99).toFixed(3)} / ${(on.cpu / off.cpu).toFixed(3)}`,
    ],
  ];
}

/**
 * `npm run bench -- telemetry`: the cost of OpenTelemetry on `login.verify` (correct TOTP code, one
 * connection), the same calls in one process without and with a real SDK and exporters attached.
 */
export async function benchTelemetry(): Promise<void> {
  const redisServer = await startRedis();
  const client = redisServer ? new Redis({ host: '127.0.0.1', port: redisServer.port }) : null;
  console.log(
    `## login.verify without and with the OpenTelemetry SDK (${BLOCKS} alternating blocks of ${BLOCK} per side; p50 and p99 in ms, CPU in µs per call)\n`,
  );
  const rows: Array<Array<string | number>> = [];
  let scrapes = 0;
  for (const ratio of [0, 0.1, 1]) {
    const sdk = await startSdk(ratio);
    const label = `SDK: metrics to Prometheus, ${ratio * 100}% of traces to OTLP/HTTP`;
    if (client) rows.push(...(await compare('redis', new RedisStore({ client }), label)));
    else console.log('redis-server not installed: Redis rows skipped\n');
    rows.push(...(await compare('memory', new MemoryStore(), label)));
    scrapes += sdk.scrapes();
    await sdk.stop();
  }
  table(['store', 'telemetry', 'p50 ms', 'p99 ms', 'CPU µs/call', 'with ÷ without (p50 / p99 / CPU)'], rows);
  console.log(`(${scrapes} Prometheus scrapes during the runs)\n`);
  await client?.quit();
  await redisServer?.stop();
}
