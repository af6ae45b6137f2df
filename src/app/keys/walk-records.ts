import { ConfigError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { allKeyUses, type KeyedRecord, usesOfKey } from './record-keys.js';

/** Keys a scan page asks for, unless the caller says. */
const PAGE_KEYS = 500;
/** Users whose records are read (and rewritten) at once: one round trip each, one slot each. */
const USERS_AT_ONCE = 16;

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Visits every record that holds a value under an application key, page by page of the store's
 * scan, reading each user's records of a page in one round trip (16 users at a time). `visit`
 * gets one user's records of the page at a time and may write them. Stops before the next page
 * once `signal` is aborted; returns whether it went through the whole store.
 * @throws {ConfigError} `CONFIG` when the store has no `scan` (a custom store: docs/stores.md).
 */
export async function walkKeyedRecords(
  ctx: Context,
  visit: (records: KeyedRecord[]) => Promise<void>,
  options: { signal?: AbortSignal | undefined; pageSize?: number | undefined; onPage?: () => void } = {},
): Promise<boolean> {
  const scan = ctx.store.scan;
  if (!scan) {
    throw new ConfigError(
      'store',
      'has no scan(): tf.keys.usage and tf.keys.rekey visit every record and need it (docs/stores.md, "scan")',
    );
  }
  const uses = allKeyUses(ctx);
  let cursor = '';
  do {
    if (options.signal?.aborted) return false;
    const page = await scan(cursor, options.pageSize ?? PAGE_KEYS, ctx.now());
    cursor = page.cursor;
    const byUser = new Map<string, Array<Omit<KeyedRecord, 'record'>>>();
    for (const key of page.keys) {
      const found = usesOfKey(uses, key);
      if (found) byUser.set(found.userId, [...(byUser.get(found.userId) ?? []), { key, ...found }]);
    }
    await eachLimited([...byUser.values()], USERS_AT_ONCE, async (items) => {
      const records = await ctx.store.getMany(
        items.map((item) => item.key),
        ctx.now(),
      );
      await visit(items.flatMap((item, i) => (records[i] ? [{ ...item, record: records[i] }] : [])));
    });
    options.onPage?.();
  } while (cursor !== '');
  return true;
}
