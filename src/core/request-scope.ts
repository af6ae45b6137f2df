import { AsyncLocalStorage } from 'node:async_hooks';

/** The HTTP request behind a facade call, as events carry it. */
export interface RequestInfo {
  /** The request id: the host's (a header it names) or one the HTTP layer made. */
  id: string;
  /** The client's IP address, when the adapter's `requestContext` asks for it. */
  clientAddress?: string;
  /** The client's `User-Agent` (at most 256 characters), when `requestContext` asks for it. */
  userAgent?: string;
}

/** What a facade call runs inside: the request that caused it, the operation (`login.verify`), its trace. */
interface Scope {
  request: RequestInfo | undefined;
  operation: string | undefined;
  /** The telemetry of the call (its span, when it has one), opaque here: `src/telemetry/` reads it. */
  trace: object | undefined;
}

/*
 * AsyncLocalStorage, not an option threaded through every call: the facade's signatures are the
 * promise (API.md), the facts are needed deep inside use cases (an event raised three calls down)
 * and in work a call leaves behind (a notice sent after it returned). It exists on Node, Bun,
 * Deno and Workers (nodejs_compat), and a `run` costs well under a microsecond.
 */
const scope = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` with `request` as the request of every event it raises, however deep: the HTTP layer
 * calls it around each route; a host calling the facade from its own handlers can too.
 *
 * @example
 * await withRequest({ id: req.id, clientAddress: req.ip }, () => tf.admin.reset(actor, userId));
 */
export function withRequest<T>(request: RequestInfo, fn: () => T): T {
  const outer = scope.getStore();
  return scope.run({ request, operation: outer?.operation, trace: outer?.trace }, fn);
}

/**
 * Runs `fn(...args)` as facade operation `operation` with its `trace` (set by the facade itself).
 * The arguments are passed on, not closed over: this runs on every facade call.
 */
export function withOperation<A extends unknown[], T>(
  operation: string,
  trace: object | undefined,
  fn: (...args: A) => T,
  ...args: A
): T {
  return scope.run({ request: scope.getStore()?.request, operation, trace }, fn, ...args);
}

/** The telemetry of the current facade call, if any (see {@link withOperation}). */
export function currentTrace(): object | undefined {
  return scope.getStore()?.trace;
}

/** The request of the current call, if any. */
export function currentRequest(): RequestInfo | undefined {
  return scope.getStore()?.request;
}

/** The facade operation being run, if any (`backupCodes.regenerate`). */
export function currentOperation(): string | undefined {
  return scope.getStore()?.operation;
}

/** An object standing for the current facade call (same call, same object), or undefined outside one. */
export function currentCall(): object | undefined {
  return scope.getStore();
}
