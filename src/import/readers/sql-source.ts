/** A database a reader selects from: the two drivers factorkit's stores use, behind one call. */
export interface SqlSource {
  /** Runs a SELECT with positional parameters (`$1` placeholders, rewritten for SQLite). */
  select(sql: string, params: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** A `better-sqlite3` database (opened read-only by the CLI). */
export function sqliteSource(db: {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
}): SqlSource {
  return {
    select: async (sql, params) =>
      db.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as Array<Record<string, unknown>>,
  };
}

/** A `pg` pool or client. */
export function postgresSource(pool: {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}): SqlSource {
  return {
    select: async (sql, params) =>
      (await pool.query(sql, [...params])).rows as Array<Record<string, unknown>>,
  };
}
