import type { KeyUse } from '../../store/key-use.js';
import type { StoredRecord } from '../../store/store.js';
import type { Context } from '../context.js';
import { allKeyUses, type KeyedRecord, movesOf, rekeyUserRecords, usesOfKey } from './record-keys.js';

/**
 * Per facade, by record name (what follows `{tag}:`): the key uses that can move a value of that
 * record (those with a `rekey`). Fixed with the modules; a sign-in looks its records up here on every
 * success rather than matching every use against every record it read.
 */
const movableByName = new WeakMap<Context, Map<string, KeyUse[] | null>>();

function movableUses(ctx: Context, key: string): KeyUse[] | null {
  let byName = movableByName.get(ctx);
  if (!byName) {
    byName = new Map();
    movableByName.set(ctx, byName);
  }
  // A tag is base64url: the first `}:` ends it.
  const name = key.slice(key.indexOf('}:') + 2);
  let found = byName.get(name);
  if (found === undefined) {
    const uses = usesOfKey(allKeyUses(ctx), key)?.uses.filter((use) => use.rekey !== undefined) ?? [];
    found = uses.length > 0 ? uses : null;
    byName.set(name, found);
  }
  return found;
}

/**
 * After a sign-in, moves the user's records it read to the current key if any value in them is
 * still under an older one (a check of key ids, no decryption, when none is): during a rotation,
 * users who sign in are moved before `rekey` reaches them. Conditional like `rekey`, and best
 * effort: the sign-in has succeeded, so a failure here is only reported (`rekey` does it later).
 * Nothing to move (every sign-in outside a rotation): no promise, so the caller awaits nothing.
 */
export function refreshKeys(
  ctx: Context,
  userId: string,
  keys: readonly string[],
  records: ReadonlyArray<StoredRecord | null> | undefined,
): Promise<void> | undefined {
  try {
    const read: KeyedRecord[] = [];
    for (let i = 0; i < keys.length; i++) {
      const record = records?.[i];
      const uses = record ? movableUses(ctx, keys[i]!) : null;
      if (record && uses) read.push({ key: keys[i]!, userId, record, uses });
    }
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
