import { spawn } from 'node:child_process';
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
import { freePort } from '../test/helpers/servers.js';

/**
 * An OTLP/HTTP collector that reads and drops each request: its own process, as a real collector
 * is. It ends when its standard input closes, so it never outlives the bench.
 */
const COLLECTOR = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** Starts the collector; its URL for the trace exporter, and a way to stop it. */
export async function startCollector(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', COLLECTOR], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}/v1/traces`, stop: () => child.kill() };
}

/** What the SDK is set to. */
export interface SdkSettings {
  /**
   * The head sampler's ratio for new traces (parent-based: children follow their parent), or null
   * for metrics only: no tracer provider registered (the API's no-op tracer).
   */
  sampleRatio: number | null;
  /** Where the batched spans go (OTLP/HTTP). */
  collectorUrl: string;
  /** The batch processor's timer; the default is the SDK's (5 s). */
  scheduledDelayMillis?: number;
}

/**
 * A real SDK registered globally, as a host would: spans batched to OTLP/HTTP, metrics served by
 * the Prometheus exporter. `scrape()` reads the metrics once over HTTP, as a Prometheus server does.
 */
export async function startSdk(settings: SdkSettings) {
  // The context manager either way: a host's HTTP instrumentation runs each request in a context.
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider =
    settings.sampleRatio === null
      ? null
      : new BasicTracerProvider({
          sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
          spanProcessors: [
            new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.collectorUrl }), {
              ...(settings.scheduledDelayMillis
                ? { scheduledDelayMillis: settings.scheduledDelayMillis }
                : {}),
            }),
          ],
        });
  if (tracerProvider) api.trace.setGlobalTracerProvider(tracerProvider);
  // A free port of its own (its `port: 0` means its default, 9464, which two runs would share).
  const port = await freePort();
  const prometheus = new PrometheusExporter({
    port,
    host: '127.0.0.1',
    preventServerStart: true,
  });
  await prometheus.startServer();
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  api.metrics.setGlobalMeterProvider(meterProvider);
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  let scrapes = 0;
  return {
    metricsUrl,
    /** One scrape; resolves with the exposition's size in bytes. */
    async scrape(): Promise<number> {
      const text = await (await fetch(metricsUrl)).text();
      scrapes++;
      return text.length;
    },
    scrapes: () => scrapes,
    /** Exports the spans ended so far, and waits for it. */
    flush: async () => {
      await tracerProvider?.forceFlush();
    },
    async stop() {
      await tracerProvider?.shutdown();
      await meterProvider.shutdown();
      api.trace.disable();
      api.metrics.disable();
      api.context.disable();
    },
  };
}
