/**
 * OpenTelemetry for the example app: `npm run example:otel` loads this before the app (Node's
 * `--import`), so the SDK is registered before factorkit's first call. Metrics are served for
 * Prometheus at http://127.0.0.1:9464/metrics (OTEL_PROMETHEUS_PORT); spans go to the console
 * when OTEL_TRACES_CONSOLE=1, else nowhere (set OTEL_TRACES_EXPORTER / an OTLP endpoint in
 * production). factorkit needs nothing else: it finds `@opentelemetry/api` by itself.
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const port = Number(process.env['OTEL_PROMETHEUS_PORT'] ?? 9464);
const sdk = new NodeSDK({
  serviceName: 'cloudfon-cx-example',
  metricReaders: [new PrometheusExporter({ port, host: '127.0.0.1' })],
  spanProcessors:
    process.env['OTEL_TRACES_CONSOLE'] === '1' ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : [],
});
sdk.start();
console.log(`OpenTelemetry: metrics for Prometheus at http://127.0.0.1:${port}/metrics`);

process.once('SIGTERM', () => void sdk.shutdown().finally(() => process.exit(0)));
process.once('SIGINT', () => void sdk.shutdown().finally(() => process.exit(0)));
