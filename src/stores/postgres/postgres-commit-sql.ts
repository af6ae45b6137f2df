import { createHash } from 'node:crypto';
import { schemaNames } from './postgres-names.js';

/**
 * The SQLSTATE the commit function raises when a row it read was deleted before its write (a sweep
 * got there first): the statement rolls back whole and the store runs the commit again.
 */
export const RETRY_SQLSTATE = 'FKR01';

/**
 * The first key of the table's advisory locks (`pg_advisory_xact_lock(space, hashtext(key))`): a
 * number of its own per table, apart from the one-key (bigint) locks an application may take.
 */
export function advisoryLockSpace(table: string): number {
  return createHash('sha256').update(`factorkit records ${table}`).digest().readInt32BE(0);
}

// Each branch reads `op` (the encoded op, postgres-ops.ts), `live` (the fields of the live
// record, or NULL), `g` (those fields, or {}) and `expiry` (its expiry), and either sets `why`
// (a refusal) or sets `result`, and `nf`/`ne` with act 'w' (write these fields and expiry) or act
// 'd' (delete). Each branch is apply-ops.ts's evaluateOp for its op; the hot ones come first.
const BRANCHES = (num: string, str: string) => `
    WHEN 'attempt' THEN
      IF live IS NULL AND op ? 'x' THEN why := 'missing';
      ELSE
        attempts := ${num}(coalesce(g->>'attempts', '0'));
        locked := ${num}(coalesce(g->>'lockedUntil', '0'));
        deadline := ${num}(g->>'deadline');
        IF g ? 'ended' OR attempts >= (op->>'max')::float8 THEN why := 'ended';
        ELSIF deadline IS NOT NULL AND now >= GREATEST(deadline,
          CASE WHEN locked > 0 THEN locked + (op->>'after')::float8 ELSE 0 END) THEN why := 'expired';
        ELSIF now < locked THEN why := 'locked';
        ELSE
          attempts := attempts + 1;
          -- lockAfterAttempt: lockMs[min(attempt - freeAttempts, length) - 1], none before the first
          -- (LEAST would skip a NaN count, NULL here, where JavaScript's Math.min gives NaN: no lock)
          step := attempts - (op->>'free')::float8;
          IF step > jsonb_array_length(op->'l') THEN step := jsonb_array_length(op->'l'); END IF;
          lock_ms := CASE WHEN step >= 1 AND step = trunc(step)
            THEN coalesce((op->'l'->>(step::int - 1))::float8, 0) ELSE 0 END;
          IF lock_ms > 0 THEN locked := now + lock_ms; END IF;
          nf := g || jsonb_build_object('attempts', ${str}(attempts), 'lockedUntil', ${str}(locked));
          ne := CASE WHEN lock_ms > 0 THEN locked + (op->>'after')::float8 ELSE 0 END;
          ne := CASE WHEN live IS NULL THEN GREATEST(now + (op->>'ttl')::float8, ne) WHEN expiry IS NULL THEN NULL
            ELSE GREATEST(expiry, CASE WHEN op ? 'slide' THEN now + (op->>'ttl')::float8 ELSE 0 END, ne) END;
          result := nf; act := 'w';
        END IF;
      END IF;
    WHEN 'merge' THEN
      IF live IS NULL AND NOT op ? 'c' THEN why := 'missing';
      ELSIF NOT g @> (op->'m') OR (op ? 'a' AND g ?| (op->>'a')::text[]) THEN why := 'mismatch';
      ELSIF op ? 'v' AND g ? (op->'v'->>0)
        AND NOT coalesce(${num}(g->>(op->'v'->>0)) < (op->'v'->>1)::float8, false) THEN why := 'stale';
      ELSE
        nf := g || (op->'f');
        IF op ? 'v' THEN nf := nf || jsonb_build_object(op->'v'->>0, op->'v'->>2); END IF;
        IF op ? 'u' THEN nf := nf - (op->>'u')::text[]; END IF;
        ne := CASE WHEN live IS NULL THEN (op->>'e')::float8 WHEN NOT op ? 'e' THEN expiry
          WHEN expiry IS NULL OR op->>'e' IS NULL THEN NULL ELSE GREATEST(expiry, (op->>'e')::float8) END;
        act := 'w';
      END IF;
    WHEN 'put' THEN
      nf := op->'f'; ne := (op->>'e')::float8; act := 'w';
    WHEN 'insert' THEN
      IF live IS NOT NULL THEN why := 'exists';
      ELSE nf := op->'f'; ne := (op->>'e')::float8; act := 'w';
      END IF;
    WHEN 'absent' THEN
      IF live IS NOT NULL AND (NOT op ? 'n' OR live ?| (op->>'n')::text[]) THEN why := 'exists'; END IF;
    WHEN 'delete' THEN
      IF live IS NOT NULL THEN act := 'd'; END IF;
    WHEN 'take' THEN
      IF live IS NULL THEN why := 'missing';
      ELSIF NOT live @> (op->'m') THEN why := 'mismatch';
      ELSE result := live; act := 'd';
      END IF;
    WHEN 'takeField' THEN
      taken := live->>(op->>'n');
      IF taken IS NULL THEN why := 'missing';
      ELSE
        result := jsonb_build_object(op->>'n', taken);
        nf := live - (op->>'n'); ne := expiry; act := 'w';
      END IF;`;

/**
 * `<table>_commit(now, keys, ops, reads, ord)`: one commit in one statement, with no subtransaction.
 * 1. Takes a transaction advisory lock per key, in the order `ord` gives (the keys sorted, so two
 *    commits never deadlock): exclusive for an op's key, shared for a key it only reads. Every
 *    commit locks every key it touches, missing ones too, so commits on the same keys run one after
 *    the other (a first write to a missing key included), and a read sees no half of a commit.
 * 2. Reads the `reads` keys, then reads and evaluates each op in order as apply-ops.ts does (an
 *    expired row is missing but still there), and answers the first refusal with its real reason:
 *    nothing is written yet, so nothing rolls back.
 * 3. Writes each changed record with one statement (UPDATE, INSERT or DELETE; none when the op leaves
 *    the record as it was). A row a sweep deleted since step 2 raises {@link RETRY_SQLSTATE}, and a
 *    row created meanwhile by something that does not take the locks fails the INSERT (23505): the
 *    whole statement rolls back, and the store runs the commit again.
 * Every statement reads or writes one row by key, so each connection plans it once (a generic plan).
 * Answers `{"r": [results], "d": {key: [fields, expiresAt]}}` or `{"i", "why", "f", "e"}` (a refusal).
 */
export function commitFunctionSql(table: string): string {
  const n = schemaNames(table);
  return `CREATE OR REPLACE FUNCTION ${n.commit}(now float8, keys text[], ops jsonb, reads text[], ord int[])
RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  n_ops int := cardinality(keys);
  i int; j int; op jsonb; done boolean; present boolean;
  found_keys text[]; found_fields jsonb[]; found_expiry bigint[];
  live jsonb; g jsonb; expiry bigint; seen jsonb;
  why text; act "char"; result jsonb; results jsonb[] := '{}';
  nf jsonb; ne float8; taken text;
  acts "char"[]; nfs jsonb[]; nes bigint[];
  attempts float8; locked float8; deadline float8; step float8; lock_ms float8;
BEGIN
  FOR i IN 1..cardinality(ord) LOOP
    IF ord[i] > 0 THEN
      done := pg_advisory_xact_lock(${advisoryLockSpace(table)}, hashtext(keys[ord[i]])) IS NULL;
    ELSE
      done := pg_advisory_xact_lock_shared(${advisoryLockSpace(table)}, hashtext(reads[-ord[i]])) IS NULL;
    END IF;
  END LOOP;
  -- One read of every key, (SELECT ...) so that each connection plans it once for any number of keys.
  SELECT array_agg(r.key), array_agg(r.fields), array_agg(r.expires_at) INTO found_keys, found_fields, found_expiry
    FROM ${n.records} AS r WHERE r.key = ANY((SELECT keys || reads)::text[]);
  IF reads IS NOT NULL THEN
    seen := '{}';
    FOR i IN 1..coalesce(cardinality(found_keys), 0) LOOP
      IF found_keys[i] = ANY(reads) AND (found_expiry[i] IS NULL OR found_expiry[i] > now) THEN
        seen := seen || jsonb_build_object(found_keys[i], jsonb_build_array(found_fields[i], found_expiry[i]));
      END IF;
    END LOOP;
  END IF;
  FOR i IN 1..n_ops LOOP
    j := array_position(found_keys, keys[i]);
    present := j IS NOT NULL;
    live := found_fields[j]; expiry := found_expiry[j];
    IF expiry <= now THEN live := NULL; expiry := NULL; END IF;
    op := ops->(i - 1); g := coalesce(live, '{}'); act := 'n'; result := NULL;
    CASE op->>'t'${BRANCHES(n.num, n.str)}
    END CASE;
    IF why IS NOT NULL THEN
      RETURN jsonb_build_object('i', i - 1, 'why', why,
        'f', CASE WHEN why = 'missing' THEN NULL WHEN op->>'t' = 'attempt' THEN g ELSE live END,
        'e', CASE WHEN why = 'missing' THEN NULL ELSE expiry END);
    END IF;
    -- A record always has a field: writing none deletes it (or writes nothing when there was none);
    -- writing it as it is changes nothing.
    IF act = 'w' THEN
      act := CASE WHEN nf = '{}' THEN CASE WHEN live IS NULL THEN 'n' ELSE 'd' END WHEN NOT present THEN 'i'
        WHEN nf = live AND ne IS NOT DISTINCT FROM expiry THEN 'n' ELSE 'u' END;
    END IF;
    acts[i] := act; nfs[i] := nf; nes[i] := ne; results[i] := result;
  END LOOP;
  FOR i IN 1..n_ops LOOP
    IF acts[i] = 'u' THEN
      UPDATE ${n.records} SET fields = nfs[i], expires_at = nes[i] WHERE key = keys[i];
      IF NOT FOUND THEN RAISE EXCEPTION 'factorkit: a record was swept during the commit' USING ERRCODE = '${RETRY_SQLSTATE}'; END IF;
    ELSIF acts[i] = 'i' THEN
      -- A plain INSERT (no speculative insertion): the lock keeps other commits off this key.
      INSERT INTO ${n.records} (key, fields, expires_at) VALUES (keys[i], nfs[i], nes[i]);
    ELSIF acts[i] = 'd' THEN
      DELETE FROM ${n.records} WHERE key = keys[i];
    END IF;
  END LOOP;
  RETURN jsonb_build_object('r', to_jsonb(results), 'd', seen);
END
$fn$;`;
}
