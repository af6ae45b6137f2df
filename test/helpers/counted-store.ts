import type { Store } from '../../src/store/store.js';

/**
 * The store behind a proxy that counts each method's calls (the real store does the work);
 * `without` hides one optional method, as a store of your own that lacks it.
 */
export function countedStore(store: Store, without?: keyof Store) {
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(object, property) {
      if (property === without) return undefined;
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return Reflect.apply(value, object, args);
      };
    },
  });
  return { store: proxy, calls };
}
