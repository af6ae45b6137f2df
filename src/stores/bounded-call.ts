import { FactorkitError, StoreUnavailableError } from '../core/errors.js';

/**
 * How a store names a failure of its backend: `unavailable` (an outage: fail closed, retry later),
 * or a `FactorkitError` of its own (a programming error, a missing schema, a damaged record).
 */
export type FailureClassifier = (error: unknown) => 'unavailable' | FactorkitError;

/**
 * Runs a store call with a deadline. A missing answer, and every failure `classify` calls an
 * outage (by default every failure), becomes `STORE_UNAVAILABLE` (`[factorkit] [store] what failed:
 * reason`), so callers fail closed and never hang.
 */
export async function boundedCall<T>(
  store: string,
  what: string,
  timeoutMs: number,
  run: () => Promise<T>,
  classify: FailureClassifier = () => 'unavailable',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    if (error instanceof FactorkitError) throw error;
    const verdict = timedOut ? 'unavailable' : classify(error);
    if (verdict !== 'unavailable') throw verdict;
    throw new StoreUnavailableError(store, `${what} failed: ${(error as Error).message}`, error);
  } finally {
    clearTimeout(timer);
  }
}
