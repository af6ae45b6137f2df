import { advisoryLockSpace } from './postgres-commit-sql.js';
import { schemaNames } from './postgres-names.js';

// The hot commits as plain statements the client prepares: a verify's attempt (attempt ops and
// reads) and a right code's success (merges). PL/pgSQL's own work was most of the commit
// function's cost (docs/testing.md); these do the same in one SQL statement each, planned once per
// connection. Parameters $1 now, $2 the op keys, $3 every key, in lock order, with $4 (exclusive or
// shared, as the commit function takes them), $5 the read keys; then the ops' own arrays.
//
// How one statement stays atomic with the commit function and with itself. Its snapshot is taken
// before it runs, its advisory locks during it, so a commit that finished between the two is not in
// its snapshot. It therefore reads every key twice: once from the snapshot (`snap`, what it
// evaluates), once after the locks, row-locked (`cur`: FOR SHARE returns a row's latest version).
// Only when every row is the same version in both (and no read key is missing, see `go`) does it
// write; it then holds the locks of every key from the snapshot's state on, so it is as if it had
// run at the instant its locks were granted. Otherwise it writes nothing and answers `{"retry":1}`:
// the store runs the commit function instead. A key missing in the snapshot that a commit created
// meanwhile fails this statement's INSERT (23505, run again) when it is an op's key; a read key
// missing from the snapshot could have been created meanwhile unseen, so a commit that would write
// then takes the commit function. A refusal writes nothing, and answers as of the snapshot.

/** Takes the advisory locks, in the order given, before `cur` reads (a one-time filter). */
const LOCKS = (space: number) => `locked AS MATERIALIZED (
  SELECT bool_and((CASE WHEN l.x THEN pg_advisory_xact_lock(${space}, hashtext(l.k))
    ELSE pg_advisory_xact_lock_shared(${space}, hashtext(l.k)) END) IS NULL) AS ok
  FROM unnest($3::text[], $4::bool[]) AS l(k, x))`;

const READS = (records: string) => `snap AS MATERIALIZED (
  SELECT r.key, r.fields, r.expires_at, r.ctid AS at FROM ${records} AS r WHERE r.key = ANY($3::text[])),
cur AS MATERIALIZED (
  SELECT r.key, r.ctid AS at FROM ${records} AS r
  WHERE (SELECT ok FROM locked) IS NOT NULL AND r.key = ANY($3::text[]) FOR SHARE)`;

/** The shared tail: refusal, validation, writes and the reply, over `e` (one row per op: i, key, why, g, live, present, expiry, nf, ne, act, res). */
const TAIL = (records: string) => `refusal AS (SELECT * FROM e WHERE why IS NOT NULL ORDER BY i LIMIT 1),
go AS MATERIALIZED (SELECT NOT EXISTS (SELECT 1 FROM refusal) AND NOT EXISTS (SELECT 1 FROM e WHERE e.odd)
    AND NOT EXISTS (SELECT 1 FROM snap AS s LEFT JOIN cur AS c ON c.key = s.key WHERE c.at IS DISTINCT FROM s.at)
    AND NOT EXISTS (SELECT 1 FROM unnest($5::text[]) AS k WHERE k <> ALL($2::text[])
      AND NOT EXISTS (SELECT 1 FROM snap AS s WHERE s.key = k)) AS ok),
upd AS (UPDATE ${records} AS r SET fields = e.nf, expires_at = e.ne FROM e
  WHERE r.key = e.key AND e.act = 'u' AND (SELECT ok FROM go) RETURNING 1),
ins AS (INSERT INTO ${records} (key, fields, expires_at)
  SELECT e.key, e.nf, e.ne FROM e WHERE e.act = 'i' AND (SELECT ok FROM go) RETURNING 1),
del AS (DELETE FROM ${records} AS r USING e WHERE r.key = e.key AND e.act = 'd' AND (SELECT ok FROM go) RETURNING 1)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM e WHERE e.odd) THEN '{"retry": 1}'::jsonb
  WHEN EXISTS (SELECT 1 FROM refusal) THEN (SELECT jsonb_build_object('i', f.i - 1, 'why', f.why,
    'f', CASE WHEN f.why = 'missing' THEN NULL ELSE f.shown END,
    'e', CASE WHEN f.why = 'missing' THEN NULL ELSE f.expiry END) FROM refusal AS f)
  WHEN NOT (SELECT ok FROM go) THEN '{"retry": 1}'::jsonb
  ELSE jsonb_build_object('r', (SELECT jsonb_agg(e.res ORDER BY e.i) FROM e),
    'd', CASE WHEN $5::text[] IS NULL THEN NULL ELSE (SELECT coalesce(jsonb_object_agg(s.key,
      jsonb_build_array(s.fields, s.expires_at)), '{}') FROM snap AS s
      WHERE s.key = ANY($5::text[]) AND (s.expires_at IS NULL OR s.expires_at > $1::float8)) END)
  END AS r`;

/**
 * A field as JavaScript's Number() reads it, for the whole numbers factorkit writes (up to 15
 * digits); `missing` when the record lacks it. Any other text is {@link ODD}: the commit function,
 * which reads every text as Number() does, runs that commit.
 */
const NUM = (g: string, name: string, missing: string) =>
  `CASE WHEN ${g}->>'${name}' IS NULL THEN ${missing} WHEN ${g}->>'${name}' ~ '^[0-9]{1,15}$' THEN (${g}->>'${name}')::float8 END`;
const ODD = (g: string, name: string) => `coalesce(${g}->>'${name}' !~ '^[0-9]{1,15}$', false)`;
/** Whether a number is written by `::int8::text` as String() writes it (a whole number below 2^53). */
const WHOLE = (x: string) => `coalesce(${x} = trunc(${x}) AND abs(${x}) < 9007199254740992, false)`;

/** An op's key joined to its snapshot row: present (even expired), and live record and expiry. */
const LIVE = `s.key IS NOT NULL AS present,
    CASE WHEN s.expires_at IS NULL OR s.expires_at > $1::float8 THEN s.fields END AS live,
    CASE WHEN s.expires_at IS NULL OR s.expires_at > $1::float8 THEN s.expires_at END AS expiry`;

/** How a written record is stored: none (no field left), an insert, unchanged, or an update (the commit function's rule). */
const ACT = `CASE WHEN w.why IS NOT NULL THEN 'n'
    WHEN w.nf = '{}' THEN CASE WHEN w.live IS NULL THEN 'n' ELSE 'd' END WHEN NOT w.present THEN 'i'
    WHEN w.nf = w.live AND w.ne IS NOT DISTINCT FROM w.expiry THEN 'n' ELSE 'u' END AS act`;

/**
 * A commit of `attempt` ops only (apply-ops.ts's evaluateAttempt), with reads: a verify's first
 * round trip. Ops: $6 max, $7 free, $8 lock list (float8[] as text), $9 ttl, $10 after (float8[]),
 * $11 mustExist, $12 slide (bool[]).
 */
export function attemptStatementSql(table: string): string {
  const n = schemaNames(table);
  return `WITH ${LOCKS(advisoryLockSpace(table))},
${READS(n.records)},
o AS (
  SELECT o.i, o.key, o.mx, o.fr, o.l::float8[] AS l, o.ttl, o.af, o.must, o.slide, ${LIVE}
  FROM unnest($2::text[], $6::float8[], $7::float8[], $8::text[], $9::float8[], $10::float8[], $11::bool[], $12::bool[])
    WITH ORDINALITY AS o(key, mx, fr, l, ttl, af, must, slide, i)
  LEFT JOIN snap AS s ON s.key = o.key),
c AS MATERIALIZED (
  SELECT o.*, g.g, ${NUM('g.g', 'attempts', '0')} AS a, ${NUM('g.g', 'lockedUntil', '0')} AS lk,
    ${NUM('g.g', 'deadline', 'NULL')} AS dl,
    ${ODD('g.g', 'attempts')} OR ${ODD('g.g', 'lockedUntil')} OR ${ODD('g.g', 'deadline')} AS odd
  FROM o, LATERAL (SELECT coalesce(o.live, '{}'::jsonb) AS g OFFSET 0) AS g),
v AS (
  SELECT c.*, CASE
      WHEN c.live IS NULL AND c.must THEN 'missing'
      WHEN c.g ? 'ended' OR c.a >= c.mx THEN 'ended'
      WHEN c.dl IS NOT NULL AND $1::float8 >= GREATEST(c.dl, CASE WHEN c.lk > 0 THEN c.lk + c.af ELSE 0 END) THEN 'expired'
      WHEN $1::float8 < c.lk THEN 'locked' END AS why,
    -- lockAfterAttempt: lockMs[min(attempt - freeAttempts, length) - 1], none before the first
    CASE WHEN st.st >= 1 AND st.st = trunc(st.st) THEN coalesce(c.l[st.st::int], 0) ELSE 0 END AS lock_ms
  FROM c, LATERAL (SELECT CASE WHEN c.a + 1 - c.fr > cardinality(c.l) THEN cardinality(c.l)
    ELSE c.a + 1 - c.fr END AS st OFFSET 0) AS st),
w AS (
  SELECT v.*, v.g AS shown, nl.lk2, v.odd OR NOT (${WHOLE('v.a + 1')} AND ${WHOLE('nl.lk2')}) AS odd2,
    v.g || jsonb_build_object('attempts', (v.a + 1)::int8::text, 'lockedUntil', nl.lk2::int8::text) AS nf,
    CASE WHEN v.live IS NULL THEN GREATEST($1::float8 + v.ttl, nl.after)
      WHEN v.expiry IS NULL THEN NULL
      ELSE GREATEST(v.expiry, CASE WHEN v.slide THEN $1::float8 + v.ttl ELSE 0 END, nl.after) END AS ne
  FROM v, LATERAL (SELECT CASE WHEN v.lock_ms > 0 THEN $1::float8 + v.lock_ms ELSE v.lk END AS lk2,
    CASE WHEN v.lock_ms > 0 THEN $1::float8 + v.lock_ms + v.af ELSE 0 END AS after OFFSET 0) AS nl),
e AS MATERIALIZED (SELECT w.i, w.key, w.why, w.shown, w.expiry, w.nf, w.ne, w.nf AS res, w.odd2 AS odd, ${ACT} FROM w),
${TAIL(n.records)}`;
}

/**
 * A commit of `merge` ops only (apply-ops.ts's evaluateMerge), with reads: a right code's success.
 * Ops: $6 fields (jsonb[]), $7 match (jsonb[]), $8 create (bool[]), $9 absent, $10 unset (text[]
 * literals, NULL for none), $11 advance field, $12 the value compared (float8, NULL for NaN), $13
 * the text written, $14 whether an expiry is given, $15 the expiry (float8[]).
 */
export function mergeStatementSql(table: string): string {
  const n = schemaNames(table);
  return `WITH ${LOCKS(advisoryLockSpace(table))},
${READS(n.records)},
o AS (
  SELECT o.i, o.key, o.f, o.m, o.cr, o.ab::text[] AS ab, o.un::text[] AS un, o.vf, o.vv, o.vt, o.he, o.ex, ${LIVE}
  FROM unnest($2::text[], $6::jsonb[], $7::jsonb[], $8::bool[], $9::text[], $10::text[], $11::text[],
    $12::float8[], $13::text[], $14::bool[], $15::float8[])
    WITH ORDINALITY AS o(key, f, m, cr, ab, un, vf, vv, vt, he, ex, i)
  LEFT JOIN snap AS s ON s.key = o.key),
v AS (
  SELECT o.*, g.g, CASE
      WHEN o.live IS NULL AND NOT o.cr THEN 'missing'
      WHEN NOT g.g @> o.m OR (o.ab IS NOT NULL AND g.g ?| o.ab) THEN 'mismatch'
      WHEN o.vf IS NOT NULL AND g.g ? o.vf
        AND NOT coalesce(CASE WHEN g.g->>o.vf ~ '^[0-9]{1,15}$' THEN (g.g->>o.vf)::float8 < o.vv END, false)
        THEN 'stale' END AS why,
    o.vf IS NOT NULL AND g.g ? o.vf AND g.g->>o.vf !~ '^[0-9]{1,15}$' AS odd
  FROM o, LATERAL (SELECT coalesce(o.live, '{}'::jsonb) AS g OFFSET 0) AS g),
w AS (
  SELECT v.*, v.live AS shown, CASE WHEN v.un IS NULL THEN m.nf ELSE m.nf - v.un END AS nf,
    CASE WHEN v.live IS NULL THEN v.ex WHEN NOT v.he THEN v.expiry
      WHEN v.expiry IS NULL OR v.ex IS NULL THEN NULL ELSE GREATEST(v.expiry, v.ex) END AS ne
  FROM v, LATERAL (SELECT CASE WHEN v.vf IS NULL THEN v.g || v.f
    ELSE v.g || v.f || jsonb_build_object(v.vf, v.vt) END AS nf) AS m),
e AS MATERIALIZED (SELECT w.i, w.key, w.why, w.shown, w.expiry, w.nf, w.ne, NULL::jsonb AS res, w.odd, ${ACT} FROM w),
${TAIL(n.records)}`;
}
