import { StoreUnavailableError } from '../../../src/core/errors.js';
import type { Store } from '../../../src/store/store.js';

/**
 * `store`, but while `fault()` returns an error every call rejects with it; the data is still there
 * when it returns null again.
 */
export function storeWithFault(store: Store, fault: () => unknown): Store {
  const call = <T>(work: () => Promise<T>): Promise<T> => {
    const error = fault();
    return error ? Promise.reject(error) : work();
  };
  return {
    get: (key, now) => call(() => store.get(key, now)),
    getMany: (keys, now) => call(() => store.getMany(keys, now)),
    commit: (ops, now, read) => call(() => store.commit(ops, now, read)),
  };
}

/**
 * `store`, but while `down()` every call rejects as a store reports an outage
 * (`StoreUnavailableError`, the driver's error as its cause), as RedisStore does when its server
 * is gone.
 */
export function storeWithOutage(store: Store, down: () => boolean): Store {
  return storeWithFault(store, () => {
    if (!down()) return null;
    const cause = new Error('connect ECONNREFUSED 10.0.0.5:6379 at /srv/app/redis.ts:42');
    return new StoreUnavailableError('redis', `command failed: ${cause.message}`, cause);
  });
}
