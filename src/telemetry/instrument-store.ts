import type { Store } from '../store/store.js';
import { errorFacts, type SpanHandle, type Telemetry, type TelemetrySource } from './telemetry.js';

type Operation = 'get' | 'getMany' | 'getAcross' | 'commit' | 'commitEach' | 'scan';
const SPAN = {
  get: { name: 'factorkit.store.get', attributes: { 'factorkit.store.operation': 'get' } },
  getMany: { name: 'factorkit.store.getMany', attributes: { 'factorkit.store.operation': 'getMany' } },
  getAcross: {
    name: 'factorkit.store.getAcross',
    attributes: { 'factorkit.store.operation': 'getAcross' },
  },
  commit: { name: 'factorkit.store.commit', attributes: { 'factorkit.store.operation': 'commit' } },
  commitEach: {
    name: 'factorkit.store.commitEach',
    attributes: { 'factorkit.store.operation': 'commitEach' },
  },
  scan: { name: 'factorkit.store.scan', attributes: { 'factorkit.store.operation': 'scan' } },
} as const;

function finish(
  t: Telemetry,
  operation: Operation,
  span: SpanHandle | null,
  startedMs: number,
  outcome: string,
  error?: { type: string; message: string },
): void {
  t.record('factorkit.store.duration', (performance.now() - startedMs) / 1000, operation, outcome);
  span?.end({ 'factorkit.store.operation': operation, 'factorkit.outcome': outcome }, error);
}

/**
 * Records one round trip when it settles. A `then`, not an `async` function: with an
 * AsyncLocalStorage on, every promise runs a hook, and an `await` makes two more.
 */
function observed<T>(
  t: Telemetry,
  operation: Operation,
  span: SpanHandle | null,
  startedMs: number,
  pending: Promise<T>,
  refused: ((result: T) => boolean) | null,
): Promise<T> {
  return pending.then(
    (result) => {
      // A conditional op that did not hold (a code already used, a lock): an answer, not an error.
      finish(t, operation, span, startedMs, refused?.(result) ? 'refused' : 'ok');
      return result;
    },
    (error: unknown) => {
      const facts = errorFacts(error);
      const unavailable = facts.type === 'STORE_UNAVAILABLE';
      if (unavailable) t.count('factorkit.store.outages', operation);
      finish(t, operation, span, startedMs, unavailable ? 'unavailable' : 'error', facts);
      throw error;
    },
  );
}

const commitRefused = (result: { ok: boolean }) => !result.ok;

/**
 * The store with a span per round trip (`factorkit.store.commit` ...), its duration in
 * `factorkit.store.duration` and its outages in `factorkit.store.outages`. Wraps the guarded store,
 * so every failure is already a `FactorkitError`. With telemetry off, a call costs one branch.
 */
export function instrumentStore(store: Store, telemetry: TelemetrySource): Store {
  // The span starts and the clock runs before the call; the guarded store never throws, it rejects.
  const begin = (t: Telemetry, operation: Operation) =>
    t.leafSpan(SPAN[operation].name, SPAN[operation].attributes);
  // The optional scan (tf.keys) passes through, observed like the others; a store without it has none.
  const scan = store.scan?.bind(store);
  // The optional getAcross (statusMany) too.
  const getAcross = store.getAcross?.bind(store);
  // And the optional commitEach (bulk imports): a refusal of some batches is an answer, not an error.
  const commitEach = store.commitEach?.bind(store);
  return {
    ...(commitEach
      ? {
          commitEach(batches, now) {
            const t = telemetry();
            if (!t) return commitEach(batches, now);
            const span = begin(t, 'commitEach');
            const refused = (results: Array<{ ok: boolean }>) => results.some((result) => !result.ok);
            return observed(t, 'commitEach', span, performance.now(), commitEach(batches, now), refused);
          },
        }
      : {}),
    ...(getAcross
      ? {
          getAcross(keys, now) {
            const t = telemetry();
            if (!t) return getAcross(keys, now);
            const span = begin(t, 'getAcross');
            return observed(t, 'getAcross', span, performance.now(), getAcross(keys, now), null);
          },
        }
      : {}),
    ...(scan
      ? {
          scan(cursor, limit, now) {
            const t = telemetry();
            if (!t) return scan(cursor, limit, now);
            const span = begin(t, 'scan');
            return observed(t, 'scan', span, performance.now(), scan(cursor, limit, now), null);
          },
        }
      : {}),
    get(key, now) {
      const t = telemetry();
      if (!t) return store.get(key, now);
      const span = begin(t, 'get');
      return observed(t, 'get', span, performance.now(), store.get(key, now), null);
    },
    getMany(keys, now) {
      const t = telemetry();
      if (!t) return store.getMany(keys, now);
      const span = begin(t, 'getMany');
      return observed(t, 'getMany', span, performance.now(), store.getMany(keys, now), null);
    },
    commit(ops, now, read) {
      const t = telemetry();
      if (!t) return store.commit(ops, now, read);
      const span = begin(t, 'commit');
      return observed(t, 'commit', span, performance.now(), store.commit(ops, now, read), commitRefused);
    },
  };
}
