import { Cluster, type Redis } from 'ioredis';
import type pg from 'pg';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';

/**
 * Every record a store holds, as a reader of its memory, file, keyspace or table would see it:
 * each key (without a Redis prefix) and its fields as text, expired ones included. For tests that
 * ask what a readable store gives away, and how much it holds. Reads the stores' private parts:
 * the Store contract has no listing, and these tests must not depend on one.
 */
export async function storeContents(store: Store): Promise<Array<{ key: string; text: string }>> {
  const inside = store as unknown as Record<string, unknown>;
  if (store instanceof MemoryStore) {
    const records = inside['records'] as Map<string, { fields: Record<string, string> }>;
    return [...records].map(([key, record]) => ({ key, text: JSON.stringify(record.fields) }));
  }
  if (store instanceof SqliteStore) {
    const db = inside['db'] as { prepare(sql: string): { all(): Array<{ key: string; fields: string }> } };
    const rows = db.prepare(`SELECT key, fields FROM "${inside['table'] as string}"`).all();
    return rows.map((row) => ({ key: row.key, text: row.fields }));
  }
  if (store instanceof PostgresStore) {
    const calls = inside['calls'] as Record<string, unknown>;
    const pool = calls['pool'] as pg.Pool;
    const rows = await pool.query<{ key: string; fields: unknown }>(
      `SELECT key, fields FROM "${inside['table'] as string}"`,
    );
    return rows.rows.map((row) => ({ key: row.key, text: JSON.stringify(row.fields) }));
  }
  if (store instanceof RedisStore) {
    const client = inside['client'] as Redis | Cluster;
    const prefix = inside['prefix'] as string;
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    const out: Array<{ key: string; text: string }> = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(
          cursor,
          'MATCH',
          `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        for (const key of keys) {
          const type = await node.type(key);
          const text =
            type === 'hash' ? JSON.stringify(await node.hgetall(key)) : String(await node.get(key));
          out.push({ key: key.slice(prefix.length), text });
        }
      } while (cursor !== '0');
    }
    return out;
  }
  throw new Error('storeContents: a store this helper does not know');
}

/** How many records are live at `now` (expired rows a sweep has not removed yet not counted), by name. */
export async function liveRecords(store: Store, now: number): Promise<Map<string, number>> {
  const keys = (await storeContents(store)).map((entry) => entry.key).filter((key) => key.startsWith('{'));
  // One read per user: a read must stay in one Redis Cluster slot.
  const byTag = new Map<string, string[]>();
  for (const key of keys) {
    const tag = key.slice(0, key.indexOf('}:') + 1);
    byTag.set(tag, [...(byTag.get(tag) ?? []), key]);
  }
  const byName = new Map<string, number>();
  for (const group of byTag.values()) {
    const records = await store.getMany(group, now);
    group.forEach((key, i) => {
      if (!records[i]) return;
      // `{tag}:session:<hash>` counts as `session`; `{tag}:user` as `user`.
      const name = key.slice(key.indexOf('}:') + 2).split(':')[0] ?? key;
      byName.set(name, (byName.get(name) ?? 0) + 1);
    });
  }
  return byName;
}
