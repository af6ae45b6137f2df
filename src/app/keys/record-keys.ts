import { FactorkitError } from '../../core/errors.js';
import { trustedDeviceKeyUse } from '../../services/trusted-device-store.js';
import { type KeyUse, keyUseCovers } from '../../store/key-use.js';
import { userIdFromTag } from '../../store/keys.js';
import type { StoredRecord, StoreOp } from '../../store/store.js';
import type { Context } from '../context.js';
import { importFingerprintKeyUse } from './import-fingerprint.js';

/** A record that holds values under an application key, with what it holds. */
export interface KeyedRecord {
  key: string;
  userId: string;
  uses: KeyUse[];
  record: StoredRecord;
}

/** What every method and service keeps under the application keys. */
export function allKeyUses(ctx: Context): KeyUse[] {
  return [...ctx.methods.keyUses(), trustedDeviceKeyUse, importFingerprintKeyUse];
}

/** The user and the key uses of store key `{tag}:name`, or null for a record that holds none. */
export function usesOfKey(uses: readonly KeyUse[], key: string): { userId: string; uses: KeyUse[] } | null {
  const found = /^\{([^}]*)\}:(.+)$/.exec(key);
  const userId = found ? userIdFromTag(found[1]!) : null;
  if (!found || userId === null) return null;
  const covering = uses.filter((use) => keyUseCovers(use, found[2]!));
  return covering.length > 0 ? { userId, uses: covering } : null;
}

/** The key ids a record's values use, each once. */
export function keyIdsOf(ctx: Context, item: KeyedRecord, now: number): string[] {
  return [...new Set(item.uses.flatMap((use) => use.keyIds(item.record.fields, now, ctx.keyring)))];
}

/** The merge that moves every movable value of a record to the current key, or null (uses own distinct fields). */
function moveOf(ctx: Context, item: KeyedRecord): StoreOp | null {
  const parts = item.uses.flatMap((use) => use.rekey?.(item.record.fields, item.userId, ctx.keyring) ?? []);
  if (parts.length === 0) return null;
  const unset = parts.flatMap((part) => part.unset ?? []);
  return {
    type: 'merge',
    key: item.key,
    fields: Object.assign({}, ...parts.map((part) => part.set)),
    match: Object.assign({}, ...parts.map((part) => part.match)),
    ...(unset.length > 0 ? { unset } : {}),
  };
}

/** The merges that move one user's records to the current key: none when every value is there already. */
export const movesOf = (ctx: Context, records: readonly KeyedRecord[]): StoreOp[] =>
  records.flatMap((item) => moveOf(ctx, item) ?? []);

/** Tries for records that keep changing under a rekey; the next run gets them otherwise. */
const TRIES = 3;

/**
 * Moves the values of one user's records to the current key in one conditional commit (one round
 * trip; one slot on a cluster): a merge per record matching every value it replaces, so a login or
 * a change that wrote a record meanwhile is never undone: the records are read again and the move
 * retried. `moves`: the first try's merges, when the caller made them already. Returns how many
 * records it wrote.
 */
export async function rekeyUserRecords(
  ctx: Context,
  records: readonly KeyedRecord[],
  moves?: StoreOp[],
): Promise<number> {
  let items = records;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const ops = attempt === 0 && moves ? moves : movesOf(ctx, items);
    if (ops.length === 0) return 0;
    const done = await ctx.store.commit(ops, ctx.now());
    if (done.ok) return ops.length;
    if (done.reason !== 'mismatch' && done.reason !== 'missing')
      throw new FactorkitError('BUG', `[keys] a rekey merge was refused: ${done.reason}`);
    const fresh = await ctx.store.getMany(
      items.map((item) => item.key),
      ctx.now(),
    );
    items = items.flatMap((item, i) => (fresh[i] ? [{ ...item, record: fresh[i] }] : []));
  }
  return 0;
}
