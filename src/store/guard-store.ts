import { FactorkitError } from '../core/errors.js';
import type { Store } from './store.js';

/**
 * Wraps a store so that every failure is a `FactorkitError`: a store reports an outage as
 * `StoreUnavailableError` (`STORE_UNAVAILABLE`, fail closed, retry later) and a stored record that
 * does not parse as `CORRUPT_RECORD`; anything else it throws is a bug (`BUG`), never an outage.
 */
export function guardStore(store: Store): Store {
  const wrap = <T>(promise: () => Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(promise)
      .catch((error: unknown) => {
        if (error instanceof FactorkitError) throw error;
        throw new FactorkitError('BUG', `[store] the store threw: ${(error as Error)?.message ?? error}`, {
          cause: error,
        });
      });
  const scan = store.scan?.bind(store);
  return {
    get: (key, now) => wrap(() => store.get(key, now)),
    getMany: (keys, now) => wrap(() => store.getMany(keys, now)),
    commit: (ops, now, read) => wrap(() => store.commit(ops, now, read)),
    ...(store.getAcross
      ? { getAcross: (keys, now) => wrap(() => store.getAcross!.call(store, keys, now)) }
      : {}),
    ...(scan ? { scan: (cursor, limit, now) => wrap(() => scan(cursor, limit, now)) } : {}),
    ...(store.commitEach
      ? { commitEach: (batches, now) => wrap(() => store.commitEach!.call(store, batches, now)) }
      : {}),
  };
}
