import { StoreUnavailableError } from '../../../src/core/errors.js';
import type { Store } from '../../../src/store/store.js';

/**
 * `store`, but while `down()` every call rejects as a store reports an outage
 * (`StoreUnavailableError`, the driver's error as its cause), as RedisStore does when its server
 * is gone; the data is still there when it comes back.
 */
export function storeWithOutage(store: Store, down: () => boolean): Store {
  const call = <T>(work: () => Promise<T>): Promise<T> => {
    if (!down()) return work();
    const cause = new Error('connect ECONNREFUSED 10.0.0.5:6379 at /srv/app/redis.ts:42');
    return Promise.reject(new StoreUnavailableError('redis', `command failed: ${cause.message}`, cause));
  };
  return {
    get: (key, now) => call(() => store.get(key, now)),
    getMany: (keys, now) => call(() => store.getMany(keys, now)),
    commit: (ops, now, read) => call(() => store.commit(ops, now, read)),
  };
}
