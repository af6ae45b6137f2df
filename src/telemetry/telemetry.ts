import type { InstrumentName } from './instruments.js';

/** Span and metric attributes: bounded values only (never a user id, a code or an address). */
export type Attributes = Record<string, string | number | boolean>;

/** A span started by {@link Telemetry.span}; whoever started it ends it once. */
export interface SpanHandle {
  /** Ends the span with these attributes; `error` marks it failed (an outage, a bug: not a wrong code). */
  end(attributes: Attributes, error?: { type: string; message: string }): void;
}

/**
 * The tiny interface the facade records through. `src/telemetry/opentelemetry.ts` implements it
 * over `@opentelemetry/api`; nothing else in factorkit knows OpenTelemetry.
 */
export interface Telemetry {
  /** Runs `fn` inside a new span, a child of the caller's active span (the host's request). */
  span<T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => T): T;
  /**
   * Starts a span that has no children (a store round trip, a mail) under the active span, without
   * making it active (no context switch: the cheap path, taken several times a call); null when the
   * active span is not recording (sampled out), so an unsampled call pays for no child span.
   */
  leafSpan(name: string, attributes: Attributes): SpanHandle | null;
  /** Adds to a counter. */
  add(name: InstrumentName, attributes: Attributes, value?: number): void;
  /** Records a histogram value (durations in seconds). */
  record(name: InstrumentName, value: number, attributes: Attributes): void;
}

/** The telemetry in force now, or null when it is off (every wrapper then calls straight through). */
export type TelemetrySource = () => Telemetry | null;

/** Ends `span` for a call that threw: the error's stable code when it has one. */
export function errorFacts(error: unknown): { type: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    type: typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
}
