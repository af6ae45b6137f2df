import { planCommit } from '../../store/apply-ops.js';
import { layout1KeysOfTag, migrateUserOps, tagOfLayout1Key } from '../../store/layout.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { type Row, toRecord } from './sqlite-sql.js';

/**
 * Moves every user's layout-1 rows (`{tag}:totp`, `{tag}:totp-step`, `{tag}:email`,
 * `{tag}:admin-code`) into `{tag}:user`, inside the caller's transaction. Returns how many users
 * moved. Rows are read and written with the reference semantics, so the transform has one
 * definition (`migrateUserOps`) for every store.
 */
export function migrateLayout1(db: SqliteDatabase, table: string, now: number): number {
  const t = `"${table}"`;
  const old = db
    .prepare(
      `SELECT key FROM ${t} WHERE key LIKE '{%}:totp' OR key LIKE '{%}:totp-step' OR key LIKE '{%}:email' OR key LIKE '{%}:admin-code'`,
    )
    .all() as Array<{ key: string }>;
  const tags = new Set(old.map((row) => tagOfLayout1Key(row.key)).filter((tag) => tag !== null));
  const one = db.prepare(
    `SELECT key, fields, expires_at FROM ${t} WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`,
  );
  const upsert = db.prepare(
    `INSERT INTO ${t} (key, fields, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET fields = excluded.fields, expires_at = excluded.expires_at`,
  );
  const remove = db.prepare(`DELETE FROM ${t} WHERE key = ?`);
  const live = (key: string) => toRecord(one.get(key, now) as Row | undefined);
  for (const tag of tags) {
    const ops = migrateUserOps(tag, layout1KeysOfTag(tag).map(live), now);
    for (const { key, record } of planCommit(ops, now, undefined, live).changes) {
      if (record) upsert.run(key, JSON.stringify(record.fields), record.expiresAt);
      else remove.run(key);
    }
  }
  // Expired layout-1 rows the live reads skipped go too.
  for (const { key } of old) remove.run(key);
  return tags.size;
}
