import { withOperation } from '../core/request-scope.js';
import {
  type Attributes,
  errorFacts,
  type SpanHandle,
  type Telemetry,
  type TelemetrySource,
} from './telemetry.js';

/** A bounded outcome: a result's reason or status is one of a few fixed words; anything else is not kept. */
const WORD = /^[a-z][a-z-]{0,39}$/;

/** The outcome of a facade call, read from what it returned (`ok`, `reason`, `status`). */
export function resultOutcome(result: unknown): { outcome: string; method?: string } {
  if (typeof result !== 'object' || result === null) return { outcome: 'success' };
  const r = result as { ok?: unknown; reason?: unknown; status?: unknown; method?: unknown };
  const method = typeof r.method === 'string' && WORD.test(r.method) ? r.method : undefined;
  let outcome = 'success';
  if (r.ok === false) outcome = typeof r.reason === 'string' && WORD.test(r.reason) ? r.reason : 'failure';
  else if (typeof r.status === 'string' && WORD.test(r.status)) outcome = r.status;
  return method ? { outcome, method } : { outcome };
}

function observe(t: Telemetry, operation: string, call: () => unknown): unknown {
  const base: Attributes = { 'factorkit.operation': operation };
  return t.span(`factorkit.${operation}`, base, (span: SpanHandle) => {
    const started = performance.now();
    const finish = (attributes: Attributes, error?: { type: string; message: string }) => {
      const all = { ...base, ...attributes };
      t.record('factorkit.operation.duration', (performance.now() - started) / 1000, {
        ...base,
        'factorkit.outcome': all['factorkit.outcome']!,
      });
      span.end(all, error);
    };
    const threw = (error: unknown) => {
      const facts = errorFacts(error);
      finish({ 'factorkit.outcome': facts.type.toLowerCase().replace(/_/g, '-') }, facts);
    };
    const returned = (value: unknown) => {
      const { outcome, method } = resultOutcome(value);
      finish(
        method
          ? { 'factorkit.outcome': outcome, 'factorkit.method': method }
          : { 'factorkit.outcome': outcome },
      );
    };
    let result: unknown;
    try {
      result = call();
    } catch (error) {
      threw(error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          returned(value);
          return value;
        },
        (error: unknown) => {
          threw(error);
          throw error;
        },
      );
    }
    returned(result);
    return result;
  });
}

/**
 * The facade with every call run as its operation (`login.verify`): the events it raises know it,
 * and with telemetry on it is a span `factorkit.login.verify` (a child of the host's active span),
 * its outcome read from the result, and a `factorkit.operation.duration` record. Additive: the use
 * cases know nothing of it. `untraced` namespaces keep their calls as they are.
 */
export function instrumentFacade<T extends object>(
  facade: T,
  telemetry: TelemetrySource,
  untraced: readonly string[] = [],
  prefix = '',
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(facade)) {
    const path = prefix + name;
    if (untraced.includes(path)) wrapped[name] = value;
    else if (typeof value === 'function') {
      const fn = value as (...args: unknown[]) => unknown;
      wrapped[name] = (...args: unknown[]) =>
        withOperation(path, () => {
          const t = telemetry();
          return t ? observe(t, path, () => fn.apply(facade, args)) : fn.apply(facade, args);
        });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      wrapped[name] = instrumentFacade(value, telemetry, untraced, `${path}.`);
    } else wrapped[name] = value;
  }
  return wrapped as T;
}
