import type { StoredRecord } from '../../store/store.js';
import type { Context } from '../context.js';
import { allKeyUses, movesOf, rekeyUserRecords, usesOfKey } from './record-keys.js';

/**
 * After a sign-in, moves the user's records it read to the current key if any value in them is
 * still under an older one (a check of key ids, no decryption, when none is): during a rotation,
 * users who sign in are moved before `rekey` reaches them. Conditional like `rekey`, and best
 * effort: the sign-in has succeeded, so a failure here is only reported (`rekey` does it later).
 * Nothing to move (every sign-in outside a rotation): no promise, so the caller awaits nothing.
 */
export function refreshKeys(
  ctx: Context,
  keys: readonly string[],
  records: ReadonlyArray<StoredRecord | null> | undefined,
): Promise<void> | undefined {
  try {
    const uses = allKeyUses(ctx);
    const read = keys.flatMap((key, i) => {
      const record = records?.[i];
      const found = record ? usesOfKey(uses, key) : null;
      return record && found ? [{ key, record, ...found }] : [];
    });
    const moves = movesOf(ctx, read);
    if (moves.length === 0) return undefined;
    return rekeyUserRecords(ctx, read, moves).then(() => undefined, reportFailure);
  } catch (error) {
    reportFailure(error);
    return undefined;
  }
}

function reportFailure(error: unknown): void {
  process.emitWarning(
    `[factorkit] moving records to the current key after a sign-in failed: ${String(error)}`,
  );
}
