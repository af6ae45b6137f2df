import type { StoredRecord } from '../../store/store.js';
import type { Context } from '../context.js';
import { allKeyUses, rekeyUserRecords, usesOfKey } from './record-keys.js';

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
  const read = keys.flatMap((key, i) => {
    const record = records?.[i];
    const found = record ? usesOfKey(uses, key) : null;
    return record && found ? [{ key, record, ...found }] : [];
  });
  try {
    await rekeyUserRecords(ctx, read);
  } catch (error) {
    process.emitWarning(
      `[factorkit] moving records to the current key after a sign-in failed: ${String(error)}`,
    );
  }
}
