import type { StoreOp } from '../../store/store.js';
import { opStatement, quoteTable, readStatement } from './postgres-sql.js';

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
  { type: 'absent', key: '' },
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
  const asPlpgsql = (text: string) =>
    text
      .replace(/\$(\d)/g, 'p[$1]')
      .replace(/\s+/g, ' ')
      .trim();
  const branches = KIND_EXAMPLES.map(
    (op, i) =>
      `  ${i === 0 ? 'IF' : 'ELSIF'} kind = '${statementKind(op)}' THEN\n    ${asPlpgsql(opStatement(table, op, 0).text)} INTO result;`,
  );
  branches.push(`  ELSIF kind = 'read' THEN\n    ${asPlpgsql(readStatement(table))} INTO result;`);
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
