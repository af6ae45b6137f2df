import { DURATION_BUCKETS_S, type InstrumentName, instruments } from './instruments.js';
import type { Attributes, SpanHandle, Telemetry, TelemetrySource } from './telemetry.js';

/*
 * The parts of `@opentelemetry/api` factorkit uses, written structurally: the package is an
 * optional peer, so no published type may name it. `import * as api from '@opentelemetry/api'`
 * satisfies this.
 */
interface OtelSpan {
  isRecording(): boolean;
  setAttributes(attributes: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
interface OtelTracer {
  startActiveSpan<F extends (span: OtelSpan) => unknown>(
    name: string,
    options: { attributes?: Attributes },
    fn: F,
  ): ReturnType<F>;
  startSpan(name: string, options: { attributes?: Attributes }, context?: never): OtelSpan;
}
interface OtelCounter {
  add(value: number, attributes?: Attributes): void;
}
interface OtelHistogram {
  record(value: number, attributes?: Attributes): void;
}
interface OtelMeter {
  createCounter(name: string, options: { description: string; unit: string }): OtelCounter;
  createHistogram(
    name: string,
    options: { description: string; unit: string; advice?: { explicitBucketBoundaries: number[] } },
  ): OtelHistogram;
}

/** The OpenTelemetry API object (`import * as api from '@opentelemetry/api'`), as factorkit uses it. */
export interface OpenTelemetryApi {
  trace: { getTracer(name: string, version?: string): OtelTracer; getActiveSpan(): OtelSpan | undefined };
  metrics: { getMeterProvider(): { getMeter(name: string, version?: string): OtelMeter } };
}

const SCOPE = 'factorkit';
/** `SpanStatusCode.ERROR` of the API. */
const STATUS_ERROR = 2;

function handle(span: OtelSpan): SpanHandle {
  return {
    end(attributes, error) {
      span.setAttributes(error ? { ...attributes, 'error.type': error.type } : attributes);
      if (error) span.setStatus({ code: STATUS_ERROR, message: error.message });
      span.end();
    },
  };
}

/** Telemetry over the OpenTelemetry API: spans through the global tracer, metrics through the global meter. */
export function openTelemetry(api: OpenTelemetryApi): Telemetry {
  const tracer = api.trace.getTracer(SCOPE);
  // The meter provider may be registered after the facade is made (or replaced, in tests): the
  // instruments follow the provider in force, made once per provider.
  let provider: unknown = null;
  let made = new Map<InstrumentName, OtelCounter | OtelHistogram>();
  const instrument = (name: InstrumentName) => {
    const current = api.metrics.getMeterProvider();
    if (current !== provider) {
      provider = current;
      made = new Map();
    }
    let found = made.get(name);
    if (!found) {
      const meter = current.getMeter(SCOPE);
      const { kind, description, unit } = instruments[name];
      found =
        kind === 'counter'
          ? meter.createCounter(name, { description, unit })
          : meter.createHistogram(name, {
              description,
              unit,
              advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
            });
      made.set(name, found);
    }
    return found;
  };
  return {
    span: (name, attributes, fn) => tracer.startActiveSpan(name, { attributes }, (span) => fn(handle(span))),
    leafSpan(name, attributes) {
      const parent = api.trace.getActiveSpan();
      if (parent && !parent.isRecording()) return null;
      return handle(tracer.startSpan(name, { attributes }));
    },
    add: (name, attributes, value = 1) => (instrument(name) as OtelCounter).add(value, attributes),
    record: (name, value, attributes) => (instrument(name) as OtelHistogram).record(value, attributes),
  };
}

let detected: Promise<OpenTelemetryApi | null> | undefined;

/**
 * The peer's name held in a variable: bundlers (Next.js, Vite, esbuild, Bun) resolve every
 * `import('literal')` they see at build time, and an app without the peer would not build
 * (test/unit/optional-peers.test.ts). This one is left to run time (the comments keep webpack and
 * Vite from trying), where a missing package is simply no telemetry.
 */
const OPEN_TELEMETRY_API = '@opentelemetry/api';

/**
 * `@opentelemetry/api` when it is installed, else null. A dynamic import: the package is an
 * optional peer, and a bundle without it must still load.
 */
export function detectOpenTelemetry(): Promise<OpenTelemetryApi | null> {
  detected ??= import(/* webpackIgnore: true */ /* @vite-ignore */ OPEN_TELEMETRY_API).then(
    (module) => {
      const api = (module as { default?: unknown }).default ?? module;
      const candidate = (api as Partial<OpenTelemetryApi>).trace ? api : module;
      return (candidate as Partial<OpenTelemetryApi>).trace ? (candidate as OpenTelemetryApi) : null;
    },
    () => null,
  );
  return detected;
}

/**
 * Where the facade's telemetry comes from: off (`false`), the API object the host passed, or the
 * installed `@opentelemetry/api` once its import resolves (calls before that record nothing).
 */
export function telemetrySource(option: false | OpenTelemetryApi | undefined): TelemetrySource {
  if (option === false) return () => null;
  if (option) {
    const telemetry = openTelemetry(option);
    return () => telemetry;
  }
  let telemetry: Telemetry | null = null;
  void detectOpenTelemetry().then((api) => {
    if (api) telemetry = openTelemetry(api);
  });
  return () => telemetry;
}
