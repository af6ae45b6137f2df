import { FactorkitError } from '../../core/errors.js';
import { trustedDeviceKeyUse } from '../../services/trusted-device-store.js';
import { type KeyChange, type KeyUse, keyUseCovers } from '../../store/key-use.js';
import { userIdFromTag } from '../../store/keys.js';
import type { StoredRecord } from '../../store/store.js';
import type { Context } from '../context.js';

/** A record that holds values under an application key, with what it holds. */
export interface KeyedRecord {
  key: string;
  userId: string;
  uses: KeyUse[];
  record: StoredRecord;
}

/** What every method and service keeps under the application keys. */
export function allKeyUses(ctx: Context): KeyUse[] {
  return [...ctx.methods.keyUses(), trustedDeviceKeyUse];
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

/** The change that moves every movable value of a record to the current key (uses own distinct fields). */
function changeOf(ctx: Context, item: KeyedRecord, fields: StoredRecord['fields']): KeyChange | null {
  const parts = item.uses.flatMap((use) => use.rekey?.(fields, item.userId, ctx.keyring) ?? []);
  if (parts.length === 0) return null;
  return {
    set: Object.assign({}, ...parts.map((part) => part.set)),
    unset: parts.flatMap((part) => part.unset ?? []),
    match: Object.assign({}, ...parts.map((part) => part.match)),
  };
}

/** Tries for a record that keeps changing under a rekey; the next run gets it otherwise. */
const TRIES = 3;

/**
 * Moves a record's values to the current key in one conditional commit (a merge matching every
 * value it replaces), so a login or a change that wrote the record meanwhile is never undone: the
 * record is read again and the move retried. Returns whether it wrote.
 */
export async function rekeyRecord(ctx: Context, item: KeyedRecord): Promise<boolean> {
  let fields = item.record.fields;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const change = changeOf(ctx, item, fields);
    if (change === null) return false;
    const { set, unset, match } = change;
    const done = await ctx.store.commit(
      [{ type: 'merge', key: item.key, fields: set, match, ...(unset?.length ? { unset } : {}) }],
      ctx.now(),
    );
    if (done.ok) return true;
    if (done.reason !== 'mismatch' && done.reason !== 'missing')
      throw new FactorkitError('BUG', `[keys] a rekey merge was refused: ${done.reason}`);
    const fresh = await ctx.store.get(item.key, ctx.now());
    if (fresh === null) return false;
    fields = fresh.fields;
  }
  return false;
}
