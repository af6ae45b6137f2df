import type { CounterName, HistogramName } from './instruments.js';

/** Span attributes: bounded values only (never a user id, a code or an address). */
export type Attributes = Record<string, string | number | boolean>;

/** Why a call or a round trip failed: an outage or a bug (a wrong code is an answer, not an error). */
export interface ErrorFacts {
  type: string;
  message: string;
}

/** A span started by {@link Telemetry.leafSpan}; whoever started it ends it once. */
export interface SpanHandle {
  /** Ends the span with these attributes; `error` marks it failed. */
  end(attributes: Attributes, error?: ErrorFacts): void;
}

/** One facade call as telemetry sees it: made by {@link Telemetry.begin}, ended by {@link Telemetry.end}. */
export interface TracedCall {
  readonly operation: string;
}

/**
 * The tiny interface the facade records through. `src/telemetry/opentelemetry.ts` implements it
 * over `@opentelemetry/api`; nothing else in factorkit knows OpenTelemetry. Every method runs on
 * every call, so none takes a closure or builds an attribute object: metric attributes are given
 * as their values, in the order `instruments` lists the instrument's attributes.
 */
export interface Telemetry {
  /**
   * Begins facade call `operation`: its span `factorkit.<operation>`, a child of the caller's active
   * span, unless the caller's trace is sampled out (then no span is made at all).
   */
  begin(operation: string): TracedCall;
  /** Runs `fn(...args)` in the call's trace context (the host's own instrumentation nests under it). */
  run<A extends unknown[], T>(call: TracedCall, fn: (...args: A) => T, ...args: A): T;
  /** Ends the call: its span (outcome, method, error). */
  end(call: TracedCall, outcome: string, method: string | undefined, error?: ErrorFacts): void;
  /**
   * Starts a span that has no children (a store round trip, a mail) under the current call's span,
   * without making it active; null when the call has no recording span (sampled out), so an
   * unsampled call pays for no child span.
   */
  leafSpan(name: string, attributes: Attributes): SpanHandle | null;
  /** Adds one to a counter, at the attribute values given. */
  count(name: CounterName, a?: string, b?: string, c?: string): void;
  /** Records a histogram value (durations in seconds), at the attribute values given. */
  record(name: HistogramName, value: number, a?: string, b?: string): void;
}

/** The telemetry in force now, or null when it is off (every wrapper then calls straight through). */
export type TelemetrySource = () => Telemetry | null;

/** What a thrown error says about itself: its stable code when it has one. */
export function errorFacts(error: unknown): ErrorFacts {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    type: typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
}
