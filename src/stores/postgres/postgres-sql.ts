import type { StoreOp } from '../../store/store.js';

/** A statement and its parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Reads live records for a commit's `read` keys as one JSON object `{ key: [fields, expiresAt] }`
 * (always one row). $1 the keys (text[]), $2 now.
 */
export function readStatement(table: string): string {
  return `SELECT COALESCE(jsonb_object_agg(r.key, jsonb_build_array(r.fields, r.expires_at)), '{}'::jsonb) AS fields
          FROM ${quoteTable(table)} AS r WHERE r.key = ANY($1::text[]) AND ${LIVE('r')}`;
}

/** A statement parameter as text, the way the commit function passes every parameter (arrays as literals). */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value))
    return `{${value.map((v) => `"${String(v).replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  return String(value);
}

/** `schema.table` or `table`, each part an SQL identifier, quoted. */
export function quoteTable(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

const LIVE = (row: string) => `(${row}.expires_at IS NULL OR ${row}.expires_at > $2::bigint)`;
/** Expiry extension: $mode 0 keep, 1 none, 2 max(old, $at) (none stays none). */
const EXTEND = (row: string, mode: string, at: string) =>
  `CASE WHEN ${mode}::int = 0 THEN ${row}.expires_at WHEN ${mode}::int = 1 OR ${row}.expires_at IS NULL THEN NULL ELSE GREATEST(${row}.expires_at, ${at}::bigint) END`;

function extendMode(expiresAt: number | null | undefined): [number, string | null] {
  if (expiresAt === undefined) return [0, null];
  if (expiresAt === null) return [1, null];
  return [2, String(expiresAt)];
}

const expiry = (at: number | null) => (at === null ? null : String(at));

/**
 * One statement per op, each atomic on its own under READ COMMITTED: conditional writes are
 * `UPDATE ... WHERE <condition> RETURNING`, `INSERT ... ON CONFLICT DO UPDATE ... WHERE`, or
 * `DELETE ... WHERE ... RETURNING`; a row count of 0 means the condition failed. $1 is the key, $2
 * the caller's now.
 */
export function opStatement(table: string, op: StoreOp, now: number): Statement {
  const t = quoteTable(table);
  const base = [op.key, String(now)];
  switch (op.type) {
    case 'put':
      return {
        text: `INSERT INTO ${t} AS r (key, fields, expires_at) VALUES ($1, $3::jsonb, $4::bigint)
               ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at
               WHERE $2::bigint IS NOT NULL RETURNING NULL AS fields`,
        values: [...base, JSON.stringify(op.fields), expiry(op.expiresAt)],
      };
    case 'insert':
      return {
        text: `INSERT INTO ${t} AS r (key, fields, expires_at) VALUES ($1, $3::jsonb, $4::bigint)
               ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at
               WHERE NOT ${LIVE('r')} RETURNING NULL AS fields`,
        values: [...base, JSON.stringify(op.fields), expiry(op.expiresAt)],
      };
    case 'absent':
      return {
        text: `SELECT NULL::jsonb AS fields WHERE NOT EXISTS (SELECT 1 FROM ${t} AS r WHERE r.key = $1 AND ${LIVE('r')})`,
        values: base,
      };
    case 'delete':
      return {
        text: `WITH d AS (DELETE FROM ${t} WHERE key = $1 AND $2::bigint IS NOT NULL) SELECT NULL AS fields`,
        values: base,
      };
    case 'take':
      return {
        text: `DELETE FROM ${t} AS r WHERE key = $1 AND ${LIVE('r')} AND r.fields @> $3::jsonb RETURNING r.fields`,
        values: [...base, JSON.stringify(op.match ?? {})],
      };
    case 'takeField':
      return {
        text: `WITH old AS (SELECT key, fields->>$3 AS value FROM ${t} AS r WHERE key = $1 AND ${LIVE('r')} AND r.fields ? $3 FOR UPDATE)
               UPDATE ${t} AS r SET fields = r.fields - $3 FROM old WHERE r.key = old.key RETURNING jsonb_build_object($3::text, old.value) AS fields`,
        values: [...base, op.field],
      };
    case 'merge': {
      const [mode, at] = extendMode(op.expiresAt);
      const condition = `r.fields @> $4::jsonb AND NOT (r.fields ?| $5::text[])`;
      const values = [
        ...base,
        JSON.stringify(op.fields),
        JSON.stringify(op.match ?? {}),
        op.absent ?? [],
        mode,
        at,
      ];
      if (!op.create) {
        return {
          text: `UPDATE ${t} AS r SET fields = r.fields || $3::jsonb, expires_at = ${EXTEND('r', '$6', '$7')}
                 WHERE key = $1 AND ${LIVE('r')} AND ${condition} RETURNING r.fields`,
          values,
        };
      }
      return {
        text: `INSERT INTO ${t} AS r (key, fields, expires_at) VALUES ($1, $3::jsonb, CASE WHEN $6::int = 2 THEN $7::bigint ELSE NULL END)
               ON CONFLICT (key) DO UPDATE SET
                 fields = CASE WHEN ${LIVE('r')} THEN r.fields || EXCLUDED.fields ELSE EXCLUDED.fields END,
                 expires_at = CASE WHEN ${LIVE('r')} THEN ${EXTEND('r', '$6', '$7')} ELSE EXCLUDED.expires_at END
               WHERE NOT ${LIVE('r')} OR (${condition}) RETURNING r.fields`,
        values,
      };
    }
    case 'advance': {
      const [mode, at] = extendMode(op.expiresAt);
      return {
        text: `INSERT INTO ${t} AS r (key, fields, expires_at) VALUES ($1, jsonb_build_object($3::text, $4::text), $6::bigint)
               ON CONFLICT (key) DO UPDATE SET
                 fields = CASE WHEN ${LIVE('r')} THEN r.fields || EXCLUDED.fields ELSE EXCLUDED.fields END,
                 expires_at = CASE WHEN ${LIVE('r')} THEN ${EXTEND('r', '$5', '$6')} ELSE EXCLUDED.expires_at END
               WHERE NOT ${LIVE('r')} OR NOT (r.fields ? $3) OR (r.fields->>$3)::numeric < $4::numeric RETURNING r.fields`,
        values: [...base, op.field, String(op.value), mode, at],
      };
    }
    case 'attempt':
      return attemptStatement(t, op, base);
  }
}

function attemptStatement(t: string, op: Extract<StoreOp, { type: 'attempt' }>, base: string[]): Statement {
  const s = op.schedule;
  // $3 max (null = unlimited), $4 lock list, $5 ttl, $6 slide, $7 afterLock.
  const values = [
    ...base,
    s.maxAttempts === null ? null : String(s.maxAttempts),
    s.lockMs.map(String),
    String(s.ttlMs),
    s.slide,
    String(s.afterLockMs),
    String(s.freeAttempts),
  ];
  const attempts = `COALESCE((r.fields->>'attempts')::bigint, 0)`;
  const lockedUntil = `COALESCE((r.fields->>'lockedUntil')::bigint, 0)`;
  // Attempt n arms lockMs[n - freeAttempts] (1-based, the last entry repeating); $8 = freeAttempts.
  const lockFor = (n: string) =>
    `(CASE WHEN (${n}) - $8::bigint < 1 THEN 0 ELSE COALESCE(($4::bigint[])[LEAST((${n}) - $8::bigint, cardinality($4::bigint[]))], 0) END)`;
  const nextLock = lockFor(`${attempts} + 1`);
  const nextLockedUntil = `CASE WHEN ${nextLock} > 0 THEN $2::bigint + ${nextLock} ELSE ${lockedUntil} END`;
  const updatedFields = `r.fields || jsonb_build_object('attempts', (${attempts} + 1)::text, 'lockedUntil', (${nextLockedUntil})::text)`;
  const afterLock = `CASE WHEN ${nextLock} > 0 THEN $2::bigint + ${nextLock} + $7::bigint ELSE 0 END`;
  const updatedExpiry = `CASE WHEN r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, CASE WHEN $6::boolean THEN $2::bigint + $5::bigint ELSE 0 END, ${afterLock}) END`;
  const deadlineOk = `(NOT (r.fields ? 'deadline') OR $2::bigint < GREATEST((r.fields->>'deadline')::bigint, CASE WHEN ${lockedUntil} > 0 THEN ${lockedUntil} + $7::bigint ELSE 0 END))`;
  const allowed = `NOT (r.fields ? 'ended') AND ($3::bigint IS NULL OR ${attempts} < $3::bigint) AND ${deadlineOk} AND $2::bigint >= ${lockedUntil}`;
  if (op.mustExist) {
    return {
      text: `UPDATE ${t} AS r SET fields = ${updatedFields}, expires_at = ${updatedExpiry}
             WHERE key = $1 AND ${LIVE('r')} AND ${allowed} RETURNING r.fields`,
      values,
    };
  }
  const firstLock = lockFor('1');
  const createdFields = `jsonb_build_object('attempts', '1', 'lockedUntil', (CASE WHEN ${firstLock} > 0 THEN $2::bigint + ${firstLock} ELSE 0 END)::text)`;
  const createdExpiry = `GREATEST($2::bigint + $5::bigint, CASE WHEN ${firstLock} > 0 THEN $2::bigint + ${firstLock} + $7::bigint ELSE 0 END)`;
  return {
    text: `INSERT INTO ${t} AS r (key, fields, expires_at) VALUES ($1, ${createdFields}, ${createdExpiry})
           ON CONFLICT (key) DO UPDATE SET
             fields = CASE WHEN ${LIVE('r')} THEN ${updatedFields} ELSE EXCLUDED.fields END,
             expires_at = CASE WHEN ${LIVE('r')} THEN ${updatedExpiry} ELSE EXCLUDED.expires_at END
           WHERE NOT ${LIVE('r')} OR (${allowed}) RETURNING r.fields`,
    values,
  };
}
