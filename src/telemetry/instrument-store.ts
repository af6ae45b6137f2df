import type { Store } from '../store/store.js';
import { errorFacts, type TelemetrySource } from './telemetry.js';

type Operation = 'get' | 'getMany' | 'commit' | 'scan';
const BASE = {
  get: { 'factorkit.store.operation': 'get' },
  getMany: { 'factorkit.store.operation': 'getMany' },
  commit: { 'factorkit.store.operation': 'commit' },
  scan: { 'factorkit.store.operation': 'scan' },
} as const;

/**
 * The store with a span per round trip (`factorkit.store.commit` ...), its duration in
 * `factorkit.store.duration` and its outages in `factorkit.store.outages`. Wraps the guarded store,
 * so every failure is already a `FactorkitError`. With telemetry off, a call costs one branch.
 */
export function instrumentStore(store: Store, telemetry: TelemetrySource): Store {
  const observe = <T>(operation: Operation, call: () => Promise<T>, refused: (result: T) => boolean) => {
    const t = telemetry();
    if (!t) return call();
    const base = BASE[operation];
    const span = t.leafSpan(`factorkit.store.${operation}`, base);
    const started = performance.now();
    const finish = (outcome: string, error?: { type: string; message: string }) => {
      const attributes = { ...base, 'factorkit.outcome': outcome };
      t.record('factorkit.store.duration', (performance.now() - started) / 1000, attributes);
      span?.end(attributes, error);
    };
    return call().then(
      (result) => {
        // A conditional op that did not hold (a code already used, a lock): an answer, not an error.
        finish(refused(result) ? 'refused' : 'ok');
        return result;
      },
      (error: unknown) => {
        const facts = errorFacts(error);
        const unavailable = facts.type === 'STORE_UNAVAILABLE';
        if (unavailable) t.add('factorkit.store.outages', base);
        finish(unavailable ? 'unavailable' : 'error', facts);
        throw error;
      },
    );
  };
  const never = () => false;
  // The optional scan (tf.keys) passes through, observed like the others; a store without it has none.
  const scan = store.scan?.bind(store);
  return {
    ...(scan ? { scan: (cursor, limit, now) => observe('scan', () => scan(cursor, limit, now), never) } : {}),
    get: (key, now) => observe('get', () => store.get(key, now), never),
    getMany: (keys, now) => observe('getMany', () => store.getMany(keys, now), never),
    commit: (ops, now, read) =>
      observe(
        'commit',
        () => store.commit(ops, now, read),
        (r) => !r.ok,
      ),
  };
}
