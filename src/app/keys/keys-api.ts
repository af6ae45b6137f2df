import { z } from 'zod';
import { parseInput } from '../../core/validation.js';
import type { Context } from '../context.js';
import { type KeyedRecord, keyIdsOf, rekeyUserRecords } from './record-keys.js';
import { walkKeyedRecords } from './walk-records.js';

/** One key id as `tf.keys.inventory()` sees it. */
export interface KeyIdUsage {
  keyId: string;
  /**
   * `current`; `older` (configured, so its values still open); `missing` (in records but not
   * configured: those values cannot be opened or checked); `unknown` (`?`: trusted browsers of
   * factorkit 0.1, whose entries name no key).
   */
  status: 'current' | 'older' | 'missing' | 'unknown';
  /** Records holding a value under this key. */
  records: number;
  /**
   * Those records by kind: `totp`, `backup-codes`, `backup-code-pepper` (imported with bcrypt
   * codes), `import-fingerprint`, `totp-setup`, `email-code`, `admin-code`, `trusted-browser`.
   */
  kinds: Record<string, number>;
  /**
   * Records of lasting kinds (`totp`, `backup-codes`, `backup-code-pepper`, `import-fingerprint`):
   * they stay on this key until `rekey` moves them. The others lapse by themselves (docs/keys.md
   * says when).
   */
  lasting: number;
}

/** What `tf.keys.inventory()` answers. */
export interface KeyInventory {
  /** The current key's id. */
  current: string;
  /** Every configured key id, then every other one found, the current one first. */
  keys: KeyIdUsage[];
  /**
   * Records holding values under no application key, by kind: `backup-codes-bcrypt` (backup codes
   * imported as bcrypt hashes, kept as they came). A rotation neither needs nor moves them, and a
   * leaked key exposes nothing of them; they end when the user uses them up or makes new codes.
   */
  unkeyed: Record<string, number>;
}

/** What `tf.keys.rekey()` answers. */
export interface RekeyResult {
  /** Records written under the current key. */
  rewritten: number;
  /** Records holding a value under some key that were looked at. */
  examined: number;
  /** False when `signal` stopped it: run it again to go on (what was done stays done). */
  complete: boolean;
}

/** Options of `tf.keys.rekey()`. */
export interface RekeyOptions {
  /** Called after each page with the number of records examined so far. */
  onProgress?: ((examined: number) => void) | undefined;
  /** Stops the rekey after the page it is on (Ctrl-C): the answer says `complete: false`. */
  signal?: AbortSignal | undefined;
  /** Keys per page of the store's scan (default 500): smaller pages stop sooner and load the store less at once. */
  pageSize?: number | undefined;
}

/**
 * `tf.keys`: which keys the stored records still need, and moving them to the current key, so that
 * an old key can be removed (docs/keys.md walks a rotation). Both visit every record through the
 * store's `scan` (`CONFIG` on a store without it) and run beside the app serving logins.
 */
export interface KeysApi {
  /** Records per key id (a record with values under two keys counts for both); every configured key is listed. */
  usage(): Promise<Record<string, number>>;
  /** `usage`, per kind of value and with which records stay until moved. */
  inventory(): Promise<KeyInventory>;
  /**
   * Seals again under the current key every value that can be (TOTP secrets, backup codes, an
   * import's pepper and fingerprint; the keyed hashes of codes and trusted browsers cannot: they
   * lapse), one conditional commit per record, so a concurrent login or change is never
   * overwritten. Safe to stop and to run again: a record already moved is only read.
   */
  rekey(options?: RekeyOptions): Promise<RekeyResult>;
}

const rekeyOptionsSchema = z
  .object({
    onProgress: z.custom<(examined: number) => void>((value) => typeof value === 'function').optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    pageSize: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .optional();

export function createKeysApi(ctx: Context): KeysApi {
  const inventory = async (): Promise<KeyInventory> => {
    const byId = new Map<string, KeyIdUsage>();
    const entry = (keyId: string) => {
      let found = byId.get(keyId);
      if (!found) {
        const status =
          keyId === ctx.keyring.currentId
            ? 'current'
            : ctx.keyring.has(keyId)
              ? 'older'
              : keyId === '?'
                ? 'unknown'
                : 'missing';
        found = { keyId, status, records: 0, kinds: {}, lasting: 0 };
        byId.set(keyId, found);
      }
      return found;
    };
    for (const id of ctx.keyring.ids) entry(id);
    const unkeyed: Record<string, number> = {};
    const count = (item: KeyedRecord) => {
      const now = ctx.now();
      for (const use of item.uses)
        if (use.unkeyed?.(item.record.fields)) unkeyed[use.kind] = (unkeyed[use.kind] ?? 0) + 1;
      for (const keyId of keyIdsOf(ctx, item, now)) {
        const usage = entry(keyId);
        usage.records++;
        let lasting = false;
        for (const use of item.uses) {
          if (!use.keyIds(item.record.fields, now, ctx.keyring).includes(keyId)) continue;
          usage.kinds[use.kind] = (usage.kinds[use.kind] ?? 0) + 1;
          lasting ||= use.life === 'lasting';
        }
        if (lasting) usage.lasting++;
      }
    };
    await walkKeyedRecords(ctx, async (records) => records.forEach(count));
    return { current: ctx.keyring.currentId, keys: [...byId.values()], unkeyed };
  };
  return {
    inventory,
    async usage() {
      const { keys } = await inventory();
      return Object.fromEntries(keys.map((key) => [key.keyId, key.records]));
    },
    async rekey(optionsInput) {
      const options = parseInput(rekeyOptionsSchema, optionsInput, 'options') ?? {};
      let rewritten = 0;
      let examined = 0;
      const complete = await walkKeyedRecords(
        ctx,
        async (records) => {
          const keyed = records.filter((item) => keyIdsOf(ctx, item, ctx.now()).length > 0);
          examined += keyed.length;
          // Read after the await: users run side by side, and `x += await ...` would lose their counts.
          const moved = await rekeyUserRecords(ctx, keyed);
          rewritten += moved;
        },
        { signal: options.signal, pageSize: options.pageSize, onPage: () => options.onProgress?.(examined) },
      );
      return { rewritten, examined, complete };
    },
  };
}
