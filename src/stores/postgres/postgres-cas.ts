import type { QueryConfig } from 'pg';
import { planCommit } from '../../store/apply-ops.js';
import type { CommitResult, Fields, StoreOp } from '../../store/store.js';
import { advisoryLockSpace } from './postgres-commit-sql.js';
import { schemaNames } from './postgres-names.js';
import { type CommitReply, decodeReply, lockOrder } from './postgres-ops.js';
import { prepared } from './postgres-statements.js';

// A verify's attempt (attempt ops, with reads) and a right code's success commit (merges, and the
// absence of a record: no "sign out everywhere" since the attempt) as a compare-and-set: evaluated here, with the reference semantics (apply-ops.ts), against the records
// this process's last commits answered or wrote (postgres-hints.ts), and sent as writes that hold
// only if every record is still exactly that. The commit function's cost is its evaluation
// (docs/testing.md); this statement evaluates nothing. It takes the function's advisory locks first
// (a one-time filter of every write; exclusive for an op's key, shared for a key only read, in the
// function's order), so no commit runs between its check and its write; a row its snapshot saw but
// a commit changed before the locks is checked again at its latest version (an UPDATE's recheck
// under READ COMMITTED), and a row a commit created meanwhile fails the INSERT (23505). A write short
// of the ops divides by zero (22012): the statement rolls back whole, and the store runs the commit
// function instead.
// The read keys, and the keys whose absence an op requires (locked as the op's key), are read by
// the commit function called with no ops, once every lock is held (a live record where one must be
// absent divides by zero too): its
// statements take a snapshot of their own, so a read sees every commit that held one of the locks
// before this one. The statement's own snapshot is older (taken before the locks): a commit that
// locked an op's key without changing it (a read, an `absent`, a merge writing the same fields) and
// wrote a read key would be missed by it, and the commit would read a record older than one it is
// ordered after.

/**
 * What a compare-and-set that wrote nothing fails with: a record changed (22012) or created (23505)
 * meanwhile, or a deadlock with a sweep (40P01). The commit function then runs the commit.
 */
export const CAS_MISSED = new Set(['22012', '23505', '40P01']);

type CasOp = Extract<StoreOp, { type: 'merge' | 'attempt' | 'absent' | 'put' | 'take' }>;

/**
 * An op the statement can hold: a merge or an attempt it writes, a put (a record written whole,
 * whatever was there: an HTTP sign-in's new session), a take (a record removed as seen: the pending
 * session it replaces), a record's absence it checks.
 */
const isCasOp = (op: StoreOp): op is CasOp =>
  op.type === 'merge' ||
  op.type === 'attempt' ||
  op.type === 'put' ||
  op.type === 'take' ||
  (op.type === 'absent' && op.fields === undefined);

/** Statement shape: rows per kind of write, keys read, locks, absences. */
interface Shape {
  updates: number;
  inserts: number;
  puts: number;
  takes: number;
  reads: number;
  locks: number;
  absents: number;
}

/** A compare-and-set ready to send, and what to make of its reply. */
export interface CompareAndSet {
  statement: QueryConfig;
  /** The commit's result from the statement's reply (its `r` column: the read records). */
  result: (reply: { r: CommitReply | null }) => CommitResult;
  /** The records the commit writes, by key (null: none), once the statement succeeded. */
  written: Array<[string, Fields | null]>;
}

/** A number as the commit function receives it through JSON: NaN and the infinities become null. */
const asJson = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;

/** Statement texts by table and shape (updates, inserts, reads, locks): each shape is one named statement. */
const texts = new Map<string, string>();

function casSql(table: string, shape: Shape): string {
  const { updates, inserts, puts, takes, reads, locks, absents } = shape;
  const name = `${table} ${updates} ${inserts} ${puts} ${takes} ${reads} ${locks} ${absents}`;
  const known = texts.get(name);
  if (known) return known;
  const n = schemaNames(table);
  let at = 1; // $1 now
  const param = (type: string) => `$${++at}::${type}`;
  const list = (count: number, type: string) => Array.from({ length: count }, () => param(type)).join(', ');
  const row = (types: string[]) => `(${types.map(param).join(', ')})`;
  const rows = (count: number, types: string[]) => Array.from({ length: count }, () => row(types)).join(', ');
  const space = advisoryLockSpace(table);
  const gate = '(SELECT ok FROM locked) IS NOT NULL';
  // The keys in lock order, then (with reads) whether each lock is exclusive.
  const lockKeys = list(locks, 'text');
  const parts = [
    reads === 0
      ? `WITH locked AS MATERIALIZED (SELECT bool_and(pg_advisory_xact_lock(${space}, hashtext(l.k)) IS NULL) AS ok
  FROM unnest(ARRAY[${lockKeys}]) AS l(k))`
      : `WITH locked AS MATERIALIZED (SELECT bool_and(CASE WHEN l.x THEN pg_advisory_xact_lock(${space}, hashtext(l.k)) IS NULL
    ELSE pg_advisory_xact_lock_shared(${space}, hashtext(l.k)) IS NULL END) AS ok
  FROM unnest(ARRAY[${lockKeys}], ARRAY[${list(locks, 'bool')}]) AS l(k, x))`,
  ];
  const counts: string[] = [];
  if (updates > 0) {
    parts.push(`u AS (UPDATE ${n.records} AS r SET fields = v.f, expires_at = CASE WHEN NOT v.he THEN r.expires_at
    WHEN r.expires_at IS NULL OR v.e IS NULL THEN NULL ELSE GREATEST(r.expires_at, v.e) END
  FROM (VALUES ${rows(updates, ['text', 'jsonb', 'jsonb', 'bool', 'float8'])}) AS v(k, x, f, he, e)
  WHERE ${gate} AND r.key = v.k AND r.fields = v.x AND (r.expires_at IS NULL OR r.expires_at > $1::float8)
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM u)');
  }
  if (inserts > 0) {
    parts.push(`i AS (INSERT INTO ${n.records} (key, fields, expires_at)
  SELECT c.k, c.f, c.e FROM (VALUES ${rows(inserts, ['text', 'jsonb', 'float8'])}) AS c(k, f, e) WHERE ${gate}
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM i)');
  }
  if (puts > 0) {
    parts.push(`pu AS (INSERT INTO ${n.records} (key, fields, expires_at)
  SELECT c.k, c.f, c.e FROM (VALUES ${rows(puts, ['text', 'jsonb', 'float8'])}) AS c(k, f, e) WHERE ${gate}
  ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM pu)');
  }
  if (takes > 0) {
    parts.push(`ta AS (DELETE FROM ${n.records} AS r USING (VALUES ${rows(takes, ['text', 'jsonb'])}) AS v(k, x)
  WHERE ${gate} AND r.key = v.k AND r.fields = v.x AND (r.expires_at IS NULL OR r.expires_at > $1::float8)
  RETURNING 1)`);
    counts.push('(SELECT count(*) FROM ta)');
  }
  // The read keys, then the keys that must hold no live record, read after the locks.
  const read =
    reads + absents === 0
      ? 'NULL::jsonb'
      : `CASE WHEN ${gate} THEN ${n.commit}($1::float8, '{}'::text[], '[]'::jsonb, ARRAY[${list(reads + absents, 'text')}], '{}'::int[]) END`;
  parts.push(`x AS MATERIALIZED (SELECT ${read} AS r)`);
  const held = absents === 0 ? 'true' : `NOT coalesce(x.r->'d' ?| ARRAY[${list(absents, 'text')}], false)`;
  const text = `${parts.join(',\n')}
SELECT 1 / (${counts.join(' + ')} = ${updates + inserts + puts + takes} AND ${held})::int AS done, x.r AS r, $1::float8 AS now FROM x`;
  texts.set(name, text);
  return text;
}

/**
 * What an attempt sets the expiry of a live record to at least (the statement raises the row's own
 * expiry to it, as the function does): the plan's expiry against a record expiring at -Infinity.
 */
const BELOW_ANY_EXPIRY = Number.NEGATIVE_INFINITY;

/**
 * A commit of merges and attempts as a compare-and-set against `hints` (each op's record as last
 * seen, null for none), reading `read` once its locks are held; null when the commit is not one (an
 * op of another type, a read key that an op writes, a refusal or a deletion in the plan: the commit
 * function runs it, and answers a refusal with its real reason).
 */
export function compareAndSet(
  table: string,
  ops: readonly StoreOp[],
  now: number,
  hints: ReadonlyMap<string, Fields | null>,
  read?: readonly string[],
): CompareAndSet | null {
  if (!ops.every(isCasOp)) return null;
  const writing = ops.filter((op) => op.type !== 'absent');
  const absent = ops.filter((op) => op.type === 'absent').map((op) => op.key);
  if (writing.length === 0) return null;
  const keys = ops.map((op) => op.key);
  if (read?.some((key) => keys.includes(key))) return null;
  const plan = planCommit(ops, now, undefined, (key) => {
    const fields = hints.get(key);
    return fields ? { fields, expiresAt: BELOW_ANY_EXPIRY } : null;
  });
  // An absence writes nothing: every other op writes its record, in op order.
  if (!plan.result.ok || plan.changes.length !== writing.length) return null;
  const updates: unknown[] = [];
  const inserts: unknown[] = [];
  const puts: unknown[] = [];
  const takes: unknown[] = [];
  const written: Array<[string, Fields | null]> = [];
  for (const [index, op] of writing.entries()) {
    const { key, record } = plan.changes[index]!;
    const seen = hints.get(op.key);
    if (key !== op.key) return null;
    if (op.type === 'take') {
      // Removed only while it is still the record the take matched.
      if (record || !seen) return null;
      written.push([op.key, null]);
      takes.push(op.key, JSON.stringify(seen));
      continue;
    }
    if (!record) return null;
    written.push([op.key, record.fields]);
    if (op.type === 'put') puts.push(op.key, JSON.stringify(record.fields), asJson(record.expiresAt));
    else if (!seen) inserts.push(op.key, JSON.stringify(record.fields), asJson(record.expiresAt));
    else if (op.type === 'attempt')
      updates.push(
        op.key,
        JSON.stringify(seen),
        JSON.stringify(record.fields),
        true,
        asJson(record.expiresAt),
      );
    else {
      const expiresAt = asJson(op.expiresAt ?? null);
      updates.push(
        op.key,
        JSON.stringify(seen),
        JSON.stringify(record.fields),
        op.expiresAt !== undefined,
        expiresAt,
      );
    }
  }
  const order = lockOrder(keys, read);
  const lockKeys = order.map((position) => (position > 0 ? keys[position - 1] : read![-position - 1]));
  const reads = read ?? [];
  // A key read twice is locked once.
  const text = casSql(table, {
    updates: updates.length / 5,
    inserts: inserts.length / 3,
    puts: puts.length / 3,
    takes: takes.length / 2,
    reads: reads.length,
    locks: order.length,
    absents: absent.length,
  });
  const values = [
    now,
    ...lockKeys,
    ...(reads.length > 0 ? order.map((p) => p > 0) : []),
    ...updates,
    ...inserts,
    ...puts,
    ...takes,
    ...reads,
    ...absent,
    ...absent,
  ];
  const done = plan.result;
  return {
    statement: prepared(text, values),
    written,
    result: (reply) => {
      if (!read) return done;
      const decoded = reply.r ? decodeReply(reply.r, read) : null;
      return { ...done, read: decoded?.ok ? (decoded.read ?? []) : [] };
    },
  };
}
