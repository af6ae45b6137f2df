import { FactorkitError, StoreUnavailableError } from '../core/errors.js';

/**
 * Runs a store call with a deadline. A failure or a missing answer becomes `STORE_UNAVAILABLE`
 * (`[factorkit] [store] what failed: reason`), so callers fail closed and never hang.
 */
export async function boundedCall<T>(
  store: string,
  what: string,
  timeoutMs: number,
  run: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    if (error instanceof FactorkitError) throw error;
    throw new StoreUnavailableError(store, `${what} failed: ${(error as Error).message}`, error);
  } finally {
    clearTimeout(timer);
  }
}
