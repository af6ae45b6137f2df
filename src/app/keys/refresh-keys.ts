import type { StoredRecord } from '../../store/store.js';
import type { Context } from '../context.js';
import { allKeyUses, rekeyRecord, usesOfKey } from './record-keys.js';

/**
 * After a sign-in, moves the user's records it read to the current key if any value in them is
 * still under an older one (a check of key ids, no decryption, when none is): during a rotation,
 * users who sign in are moved before `rekey` reaches them. Conditional like `rekey`, and best
 * effort: the sign-in has succeeded, so a failure here is only reported (`rekey` does it later).
 */
export async function refreshKeys(
  ctx: Context,
  keys: readonly string[],
  records: ReadonlyArray<StoredRecord | null> | undefined,
): Promise<void> {
  const uses = allKeyUses(ctx);
  for (const [i, key] of keys.entries()) {
    const record = records?.[i];
    const found = record ? usesOfKey(uses, key) : null;
    if (!record || !found) continue;
    try {
      await rekeyRecord(ctx, { key, record, ...found });
    } catch (error) {
      process.emitWarning(
        `[factorkit] moving ${key} to the current key after a sign-in failed: ${String(error)}`,
      );
    }
  }
}
