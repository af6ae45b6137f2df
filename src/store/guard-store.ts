import { FactorkitError, StoreUnavailableError } from '../core/errors.js';
import type { Store } from './store.js';

/** Wraps a store so that any non-factorkit failure becomes `STORE_UNAVAILABLE` (fail closed). */
export function guardStore(store: Store): Store {
  const wrap = <T>(promise: () => Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(promise)
      .catch((error: unknown) => {
        if (error instanceof FactorkitError) throw error;
        throw new StoreUnavailableError('store', 'the store failed', error);
      });
  return {
    get: (key, now) => wrap(() => store.get(key, now)),
    getMany: (keys, now) => wrap(() => store.getMany(keys, now)),
    commit: (ops, now, read) => wrap(() => store.commit(ops, now, read)),
  };
}
