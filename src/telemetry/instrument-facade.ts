import { withOperation } from '../core/request-scope.js';
import { errorFacts, type Telemetry, type TelemetrySource, type TracedCall } from './telemetry.js';

/** A bounded outcome: a result's reason or status is one of a few fixed words; anything else is not kept. */
const WORD = /^[a-z][a-z-]{0,39}$/;

type Result = { ok?: unknown; reason?: unknown; status?: unknown; method?: unknown } | null;

/** The outcome of a facade call, read from what it returned (`ok`, `reason`, `status`). */
function resultOutcome(result: unknown): string {
  if (typeof result !== 'object' || result === null) return 'success';
  const r = result as Result & object;
  if (r.ok === false) return typeof r.reason === 'string' && WORD.test(r.reason) ? r.reason : 'failure';
  return typeof r.status === 'string' && WORD.test(r.status) ? r.status : 'success';
}

/** The method a facade call's result names (a verify that succeeded), if it is a fixed word. */
function resultMethod(result: unknown): string | undefined {
  const method = typeof result === 'object' && result !== null ? (result as Result)?.method : undefined;
  return typeof method === 'string' && WORD.test(method) ? method : undefined;
}

type Method = (...args: unknown[]) => unknown;

function failed(t: Telemetry, call: TracedCall, error: unknown): void {
  const facts = errorFacts(error);
  t.end(call, facts.type.toLowerCase().replace(/_/g, '-'), undefined, facts);
}

/**
 * Ends the call when its promise settles. A `then`, not an `async` function: with an
 * AsyncLocalStorage on, every promise runs a hook, and an `await` makes two more.
 */
function settled(t: Telemetry, call: TracedCall, pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    (value) => {
      t.end(call, resultOutcome(value), resultMethod(value));
      return value;
    },
    (error: unknown) => {
      failed(t, call, error);
      throw error;
    },
  );
}

/** Runs `fn` in the call's trace context: inside the operation's scope, so events raised know both. */
const traced = (t: Telemetry, call: TracedCall, fn: Method, self: unknown, args: unknown[]) =>
  t.run(call, Reflect.apply, fn, self, args);

/** One facade call as operation `operation`: no closure is made, the arguments are passed on. */
function invoke(telemetry: TelemetrySource, operation: string, fn: Method, self: unknown, args: unknown[]) {
  const t = telemetry();
  if (!t) return withOperation(operation, undefined, Reflect.apply, fn, self, args);
  const call = t.begin(operation);
  let result: unknown;
  try {
    result = withOperation(operation, call, traced, t, call, fn, self, args);
  } catch (error) {
    failed(t, call, error);
    throw error;
  }
  if (result instanceof Promise) return settled(t, call, result);
  t.end(call, resultOutcome(result), resultMethod(result));
  return result;
}

/**
 * The facade with every call run as its operation (`login.verify`): the events it raises know it,
 * and with telemetry on it is a span `factorkit.login.verify` (a child of the host's active span),
 * its outcome read from the result. Additive: the use
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
      const fn = value as Method;
      wrapped[name] = (...args: unknown[]) => invoke(telemetry, path, fn, facade, args);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      wrapped[name] = instrumentFacade(value, telemetry, untraced, `${path}.`);
    } else wrapped[name] = value;
  }
  return wrapped as T;
}
