import * as api from '@opentelemetry/api';
import { withOperation } from '../src/core/request-scope.js';
import { DURATION_BUCKETS_S } from '../src/telemetry/instruments.js';
import { format, table } from './harness.js';
import { startCollector, startSdk } from './telemetry-sdk.js';

const tick = async () => undefined;
/** Twenty promises awaited in a facade call's scope: every promise made copies each store's value. */
const awaits = () =>
  withOperation('parts', undefined, async () => {
    for (let i = 0; i < 20; i++) await tick();
  });

/** CPU nanoseconds per call of `fn`: the median of 7 rounds of `count` calls, after one round of warm-up. */
async function cpuNs(count: number, fn: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 8; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await fn();
    const used = process.cpuUsage(before);
    if (round > 0) rounds.push(((used.user + used.system) * 1000) / count);
  }
  return rounds.sort((a, b) => a - b)[3]!;
}

/**
 * `npm run bench -- telemetry-parts`: what each piece of the telemetry costs on its own, in CPU
 * time, with the same SDK as `npm run bench -- telemetry`: the breakdown behind its ratios.
 */
export async function benchTelemetryParts(): Promise<void> {
  const collector = await startCollector();
  const rows: Array<[string, number]> = [];
  for (const ratio of [0, 1]) {
    const sdk = await startSdk({ sampleRatio: ratio, collectorUrl: collector.url });
    const meter = api.metrics.getMeter('parts');
    const histogram = meter.createHistogram('parts.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    });
    const counter = meter.createCounter('parts.count');
    const attributes = Object.freeze({ 'factorkit.store.operation': 'commit', 'factorkit.outcome': 'ok' });
    const tracer = api.trace.getTracer('parts');
    const options = { attributes: Object.freeze({ 'factorkit.operation': 'login.verify' }) };
    const nothing = () => undefined;
    const label = `${ratio * 100}% sampled`;
    if (ratio === 0) {
      // Before anything runs in an OpenTelemetry context: only factorkit's AsyncLocalStorage is on.
      rows.push(['20 awaits in a call scope, one AsyncLocalStorage', await cpuNs(5_000, awaits)]);
      api.context.with(api.trace.setSpan(api.context.active(), tracer.startSpan('x')), nothing);
      rows.push(["20 awaits, OpenTelemetry's AsyncLocalStorage on too", await cpuNs(5_000, awaits)]);
      rows.push([
        'a histogram record (2 attributes, made once)',
        await cpuNs(20_000, () => histogram.record(0.0003, attributes)),
      ]);
      rows.push([
        'a counter add (3 attributes, a new object each time: the old way)',
        await cpuNs(20_000, () =>
          counter.add(1, {
            'factorkit.method': 'totp',
            'factorkit.outcome': 'success',
            'factorkit.purpose': 'login',
          }),
        ),
      ]);
    }
    rows.push([
      `a root span, ${label}: start, make active, run, end`,
      await cpuNs(20_000, () => {
        const span = tracer.startSpan('factorkit.login.verify', options);
        api.context.with(api.trace.setSpan(api.context.active(), span), nothing);
        span.end();
      }),
    ]);
    if (ratio === 1) {
      // Spans ended into the batch processor, then exported (OTLP/HTTP JSON) and waited for.
      const spans = 5120;
      const before = process.cpuUsage();
      for (let i = 0; i < spans; i++) {
        const span = tracer.startSpan('factorkit.store.commit', options);
        span.setAttribute('factorkit.outcome', 'ok');
        span.end();
      }
      await sdk.flush();
      const used = process.cpuUsage(before);
      rows.push([
        'a leaf span, sampled: start, 1 attribute, end, batched, exported',
        ((used.user + used.system) * 1000) / spans,
      ]);
    }
    await sdk.stop();
  }
  collector.stop();
  console.log('## What each part of the telemetry costs (CPU ns per call, median of 7 rounds)\n');
  table(
    ['part', 'CPU ns'],
    rows.map(([part, ns]) => [part, format(ns)]),
  );
}
