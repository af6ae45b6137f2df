import type { QueryConfig } from 'pg';
import { planCommit } from '../../store/apply-ops.js';
import type { CommitResult, Fields, StoreOp } from '../../store/store.js';
import { advisoryLockSpace } from './postgres-commit-sql.js';
import { schemaNames } from './postgres-names.js';
import { lockOrder } from './postgres-ops.js';
import { prepared } from './postgres-statements.js';

// A right code's success commit (merges only) as a compare-and-set: evaluated here, with the
// reference semantics (apply-ops.ts), against the records the attempt's commit just answered
// (postgres-hints.ts), and sent as writes that hold only if every record is still exactly that.
// The commit function's cost is its evaluation (docs/testing.md); this statement evaluates
// nothing. It takes the function's advisory locks first (a one-time filter of every write), so no
// commit runs between its check and its write; a row its snapshot saw but a commit changed before
// the locks is checked again at its latest version (an UPDATE's recheck under READ COMMITTED), and
// a row a commit created meanwhile fails the INSERT (23505). A write short of the ops divides by
// zero (22012): the statement rolls back whole, and the store runs the commit function instead.

/**
 * What a compare-and-set that wrote nothing fails with: a record changed (22012) or created (23505)
 * meanwhile, or a deadlock with a sweep (40P01). The commit function then runs the commit.
 */
export const CAS_MISSED = new Set(['22012', '23505', '40P01']);

type MergeOp = Extract<StoreOp, { type: 'merge' }>;

/** A number as the commit function receives it through JSON: NaN and the infinities become null. */
const asJson = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;

/** Statement texts by table and shape (updates, inserts): each shape is one named statement. */
const texts = new Map<string, string>();

function casSql(table: string, updates: number, inserts: number): string {
  const shape = `${table} ${updates} ${inserts}`;
  const known = texts.get(shape);
  if (known) return known;
  const { records } = schemaNames(table);
  const keys = updates + inserts;
  let at = 1 + keys; // $1 now, then the keys in lock order
  const row = (types: string[]) => `(${types.map((type) => `$${++at}::${type}`).join(', ')})`;
  const rows = (count: number, types: string[]) => Array.from({ length: count }, () => row(types)).join(', ');
  const gate = '(SELECT ok FROM locked) IS NOT NULL';
  const parts = [
    `WITH locked AS MATERIALIZED (SELECT bool_and(pg_advisory_xact_lock(${advisoryLockSpace(table)}, hashtext(l.k)) IS NULL) AS ok
  FROM unnest(ARRAY[${Array.from({ length: keys }, (_, i) => `$${i + 2}::text`).join(', ')}]) AS l(k))`,
  ];
  const counts: string[] = [];
  if (updates > 0) {
    parts.push(`u AS (UPDATE ${records} AS r SET fields = v.f, expires_at = CASE WHEN NOT v.he THEN r.expires_at
    WHEN r.expires_at IS NULL OR v.e IS NULL THEN NULL ELSE GREATEST(r.expires_at, v.e) END
  FROM (VALUES ${rows(updates, ['text', 'jsonb', 'jsonb', 'bool', 'float8'])}) AS v(k, x, f, he, e)
  WHERE ${gate} AND r.key = v.k AND r.fields = v.x AND (r.expires_at IS NULL OR r.expires_at > $1::float8)
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM u)');
  }
  if (inserts > 0) {
    parts.push(`i AS (INSERT INTO ${records} (key, fields, expires_at)
  SELECT c.k, c.f, c.e FROM (VALUES ${rows(inserts, ['text', 'jsonb', 'float8'])}) AS c(k, f, e) WHERE ${gate}
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM i)');
  }
  const text = `${parts.join(',\n')}
SELECT 1 / (${counts.join(' + ')} = ${keys})::int AS done, $1::float8 AS now`;
  texts.set(shape, text);
  return text;
}

/**
 * A commit of merges as a compare-and-set against `hints` (each op's record as last seen, null for
 * none), with the result it has when the statement succeeds; null when the commit is not one
 * (an op other than a merge, a refusal or a deletion in the plan: the commit function runs it).
 */
export function compareAndSet(
  table: string,
  ops: readonly StoreOp[],
  now: number,
  hints: ReadonlyMap<string, Fields | null>,
): { statement: QueryConfig; result: CommitResult } | null {
  if (!ops.every((op): op is MergeOp => op.type === 'merge')) return null;
  const plan = planCommit(ops, now, undefined, (key) => {
    const fields = hints.get(key);
    // The expiry is not known here: the statement extends the row's own, as the function does.
    return fields ? { fields, expiresAt: null } : null;
  });
  if (!plan.result.ok || plan.changes.length !== ops.length) return null;
  const updates: unknown[] = [];
  const inserts: unknown[] = [];
  for (const [index, op] of ops.entries()) {
    const written = plan.changes[index]!.record;
    if (!written) return null;
    const seen = hints.get(op.key);
    const expiresAt = asJson(op.expiresAt ?? null);
    if (seen)
      updates.push(
        op.key,
        JSON.stringify(seen),
        JSON.stringify(written.fields),
        op.expiresAt !== undefined,
        expiresAt,
      );
    else inserts.push(op.key, JSON.stringify(written.fields), expiresAt);
  }
  const keys = ops.map((op) => op.key);
  const locks = lockOrder(keys, undefined).map((position) => keys[position - 1]);
  const text = casSql(table, updates.length / 5, inserts.length / 3);
  return { statement: prepared(text, [now, ...locks, ...updates, ...inserts]), result: plan.result };
}
