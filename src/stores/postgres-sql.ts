import type { StoreOp } from '../store.js';

/** A statement and its parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** The quoted name of a table's commit function: `<table>_commit`, in the table's schema. */
export function commitFunction(table: string): string {
  return quoteTable(`${table}_commit`);
}

/** The statement variants, one per op shape: the commit function holds each one as static SQL. */
export function statementKind(op: StoreOp): string {
  if (op.type === 'merge') return op.create ? 'merge-create' : 'merge';
  if (op.type === 'attempt') return op.mustExist ? 'attempt-existing' : 'attempt-create';
  return op.type;
}

const SCHEDULE = { maxAttempts: null, freeAttempts: 0, lockMs: [], ttlMs: 0, slide: false, afterLockMs: 0 };
const KIND_EXAMPLES: StoreOp[] = [
  { type: 'put', key: '', fields: {}, expiresAt: null },
  { type: 'insert', key: '', fields: {}, expiresAt: null },
  { type: 'delete', key: '' },
  { type: 'take', key: '' },
  { type: 'takeField', key: '', field: '' },
  { type: 'merge', key: '', fields: {} },
  { type: 'merge', key: '', fields: {}, create: true },
  { type: 'advance', key: '', field: '', value: 0, expiresAt: null },
  { type: 'attempt', key: '', schedule: SCHEDULE, mustExist: true },
  { type: 'attempt', key: '', schedule: SCHEDULE, mustExist: false },
];

/**
 * The schema of one records table, and its commit function. The function takes a batch of
 * `{ kind, values }` (values as text, in the order of {@link opStatement}'s parameters), runs each
 * as the same statement the single-op path sends, compiled into the function as static SQL (so
 * PostgreSQL plans it once per connection), in order, inside one transaction, and rolls the whole
 * batch back at the first statement that changes no row.
 */
export function schemaSql(table: string): string {
  const index = `${table.replace(/"/g, '').replace(/\./g, '_')}_expires_at_idx`;
  const branches = KIND_EXAMPLES.map((op, i) => {
    const text = opStatement(table, op, 0)
      .text.replace(/\$(\d)/g, 'p[$1]')
      .replace(/\s+/g, ' ')
      .trim();
    return `  ${i === 0 ? 'IF' : 'ELSIF'} kind = '${statementKind(op)}' THEN\n    ${text} INTO result;`;
  });
  return [
    `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (`,
    '  key text PRIMARY KEY,',
    "  fields jsonb NOT NULL DEFAULT '{}'::jsonb,",
    '  expires_at bigint',
    ');',
    `CREATE INDEX IF NOT EXISTS "${index}" ON ${quoteTable(table)} (expires_at) WHERE expires_at IS NOT NULL;`,
    `CREATE OR REPLACE FUNCTION ${quoteTable(`${table}_run`)}(kind text, p text[]) RETURNS jsonb LANGUAGE plpgsql AS $fn$`,
    'DECLARE',
    '  result jsonb;',
    '  affected bigint;',
    'BEGIN',
    ...branches,
    '  ELSE',
    "    RAISE EXCEPTION 'factorkit: unknown statement kind %', kind;",
    '  END IF;',
    '  GET DIAGNOSTICS affected = ROW_COUNT;',
    "  IF affected = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0F01'; END IF;",
    '  RETURN result;',
    'END',
    '$fn$;',
    `CREATE OR REPLACE FUNCTION ${commitFunction(table)}(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$`,
    'DECLARE',
    '  item jsonb;',
    "  results jsonb := '[]'::jsonb;",
    '  pos int := 0;',
    'BEGIN',
    '  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP',
    `    results := results || jsonb_build_array(${quoteTable(`${table}_run`)}(item->>'kind',`,
    "      ARRAY(SELECT v FROM jsonb_array_elements_text(item->'values') WITH ORDINALITY AS x(v, n) ORDER BY n)));",
    '    pos := pos + 1;',
    '  END LOOP;',
    "  RETURN jsonb_build_object('ok', true, 'results', results);",
    "EXCEPTION WHEN SQLSTATE 'P0F01' THEN",
    "  RETURN jsonb_build_object('ok', false, 'position', pos);",
    'END',
    '$fn$;',
  ].join('\n');
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
