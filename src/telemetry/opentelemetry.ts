import { currentTrace } from '../core/request-scope.js';
import type { CounterName, HistogramName } from './instruments.js';
import { MeterBinding, type OtelMeterProvider } from './otel-metrics.js';
import type {
  Attributes,
  ErrorFacts,
  SpanHandle,
  Telemetry,
  TelemetrySource,
  TracedCall,
} from './telemetry.js';

/*
 * The parts of `@opentelemetry/api` factorkit uses, written structurally: the package is an
 * optional peer, so no published type may name it. `import * as api from '@opentelemetry/api'`
 * satisfies this.
 */
interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}
interface OtelSpan {
  spanContext(): OtelSpanContext;
  isRecording(): boolean;
  setAttribute(key: string, value: string): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
/** An OpenTelemetry context: opaque to factorkit. */
type OtelContext = object;
interface OtelTracer {
  startSpan(name: string, options: { attributes?: Attributes }, context?: OtelContext): OtelSpan;
}

/** The OpenTelemetry API object (`import * as api from '@opentelemetry/api'`), as factorkit uses it. */
export interface OpenTelemetryApi {
  context: {
    active(): OtelContext;
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: OtelContext,
      fn: F,
      thisArg?: ThisParameterType<F>,
      ...args: A
    ): ReturnType<F>;
  };
  trace: {
    getTracer(name: string, version?: string): OtelTracer;
    getSpan(context: OtelContext): OtelSpan | undefined;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
    isSpanContextValid(spanContext: OtelSpanContext): boolean;
  };
  metrics: { getMeterProvider(): OtelMeterProvider };
}

const SCOPE = 'factorkit';
/** `SpanStatusCode.ERROR` and `TraceFlags.SAMPLED` of the API. */
const STATUS_ERROR = 2;
const SAMPLED = 1;

/** A facade call: its span and the context that holds it, when the caller's trace is sampled. */
class Call implements TracedCall {
  constructor(
    readonly operation: string,
    readonly span: OtelSpan | null,
    readonly context: OtelContext | null,
  ) {}
}

/** The span name and start options of an operation, made once per operation. */
const operations = new Map<string, { name: string; options: { attributes: Attributes } }>();
function operationSpan(operation: string) {
  let found = operations.get(operation);
  if (!found) {
    const attributes = Object.freeze({ 'factorkit.operation': operation });
    found = { name: `factorkit.${operation}`, options: { attributes } };
    operations.set(operation, found);
  }
  return found;
}

function ended(span: OtelSpan, attributes: Attributes, error?: ErrorFacts): void {
  for (const key in attributes) span.setAttribute(key, String(attributes[key]));
  if (error) {
    span.setAttribute('error.type', error.type);
    span.setStatus({ code: STATUS_ERROR, message: error.message });
  }
  span.end();
}

/** Telemetry over the OpenTelemetry API: spans through the global tracer, metrics through the global meter. */
class OpenTelemetry implements Telemetry {
  private readonly tracer: OtelTracer;
  private meters: MeterBinding | null = null;

  constructor(private readonly api: OpenTelemetryApi) {
    this.tracer = api.trace.getTracer(SCOPE);
  }

  begin(operation: string): Call {
    const active = this.api.context.active();
    const parent = this.api.trace.getSpan(active);
    // A parent-based decision, the SDK's default: inside a trace the host sampled out, no span at
    // all (no ids, no sampler, no context switch). Otherwise the host's sampler decides.
    if (parent !== undefined) {
      const parentContext = parent.spanContext();
      if ((parentContext.traceFlags & SAMPLED) === 0 && this.api.trace.isSpanContextValid(parentContext))
        return new Call(operation, null, null);
    }
    const { name, options } = operationSpan(operation);
    const span = this.tracer.startSpan(name, options, active);
    // The no-op tracer's span (no SDK tracer registered: metrics only) carries nothing to pass on.
    const carries = span.isRecording() || this.api.trace.isSpanContextValid(span.spanContext());
    return new Call(operation, span, carries ? this.api.trace.setSpan(active, span) : null);
  }

  run<A extends unknown[], T>(call: TracedCall, fn: (...args: A) => T, ...args: A): T {
    const { context } = call as Call;
    // A root span sampled out is made active too: what runs inside (the host's own store
    // instrumentation) must see the decision, not start traces of its own.
    return context ? this.api.context.with(context, fn, undefined, ...args) : fn(...args);
  }

  end(call: TracedCall, outcome: string, method: string | undefined, error?: ErrorFacts): void {
    const { span } = call as Call;
    if (span?.isRecording()) {
      ended(
        span,
        method
          ? { 'factorkit.outcome': outcome, 'factorkit.method': method }
          : { 'factorkit.outcome': outcome },
        error,
      );
    }
  }

  leafSpan(name: string, attributes: Attributes): SpanHandle | null {
    const call = currentTrace();
    let context: OtelContext | undefined;
    if (call instanceof Call) {
      if (!call.span?.isRecording()) return null;
      context = call.context!;
    } else {
      // Outside a facade call (work a call left behind): under the host's span, if it records.
      const parent = this.api.trace.getSpan(this.api.context.active());
      if (parent && !parent.isRecording()) return null;
    }
    const span = this.tracer.startSpan(name, { attributes }, context);
    return { end: (endAttributes, error) => ended(span, endAttributes, error) };
  }

  count(name: CounterName, a?: string, b?: string, c?: string): void {
    this.metrics().count(name, a, b, c);
  }

  record(name: HistogramName, value: number, a?: string, b?: string): void {
    this.metrics().record(name, value, a, b);
  }

  /** The instruments on the meter provider in force (registered after the facade was made, or replaced in tests). */
  private metrics(): MeterBinding {
    const provider = this.api.metrics.getMeterProvider();
    if (this.meters?.provider !== provider) this.meters = new MeterBinding(provider);
    return this.meters;
  }
}

/** One telemetry per API object: every facade on it shares its counts and instruments. */
const byApi = new WeakMap<OpenTelemetryApi, Telemetry>();

/** Telemetry over the OpenTelemetry API. */
export function openTelemetry(api: OpenTelemetryApi): Telemetry {
  let telemetry = byApi.get(api);
  if (!telemetry) {
    telemetry = new OpenTelemetry(api);
    byApi.set(api, telemetry);
  }
  return telemetry;
}

let detected: Promise<OpenTelemetryApi | null> | undefined;

/** Whether `value` has what factorkit uses of `@opentelemetry/api`. */
export function isOpenTelemetryApi(value: unknown): value is OpenTelemetryApi {
  const api = value as Partial<OpenTelemetryApi> | null;
  return typeof api === 'object' && api !== null && !!api.trace && !!api.metrics && !!api.context;
}

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
      const api = (module as { default?: unknown }).default;
      if (isOpenTelemetryApi(api)) return api;
      return isOpenTelemetryApi(module) ? module : null;
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
