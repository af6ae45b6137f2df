import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** One data point of a metric, flattened: its name, attributes, and a counter's value or a histogram's count. */
export interface Point {
  name: string;
  attributes: Record<string, unknown>;
  value: number;
}

/**
 * The OpenTelemetry SDK registered globally with its in-memory exporters: spans as they end, and
 * metrics as deltas since the last {@link Otel.metrics} call (so each test reads only its own).
 */
export function installOtel() {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(contextManager);
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  api.trace.setGlobalTracerProvider(tracerProvider);
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  api.metrics.setGlobalMeterProvider(meterProvider);

  return {
    api,
    /** Spans ended since the last reset. */
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    span(name: string): ReadableSpan {
      const found = spanExporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span ${name}, found ${found.length}`);
      return found[0]!;
    },
    /** Metric points recorded since the last call. */
    async metrics(): Promise<Point[]> {
      await reader.forceFlush();
      const points: Point[] = [];
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            for (const point of metric.dataPoints) {
              const value =
                typeof point.value === 'number' ? point.value : (point.value as { count: number }).count;
              points.push({ name: metric.descriptor.name, attributes: point.attributes, value });
            }
          }
        }
      }
      metricExporter.reset();
      return points;
    },
    async reset() {
      await reader.forceFlush();
      metricExporter.reset();
      spanExporter.reset();
    },
    async shutdown() {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
      api.trace.disable();
      api.metrics.disable();
      api.context.disable();
    },
  };
}

export type Otel = ReturnType<typeof installOtel>;

/** The sum of the points of metric `name` whose attributes include `attributes`. */
export function total(points: Point[], name: string, attributes: Record<string, unknown> = {}): number {
  return points
    .filter((p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + p.value, 0);
}
